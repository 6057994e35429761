// Package recipes runs herald's automation recipes: when an event happens
// to a conversation (a new conversation, a message, a status moving, a
// tag, a named event) and a recipe's condition holds, its actions run in
// order — set the status, tag, assign, block, reply, write a note, wait
// and check again —, each recorded in the conversation's history under the
// recipe's name.
//
// The Runner reads the event log with a durable cursor of its own and
// plans a run per matching recipe and event, durably (a wait is a stored
// run due later, so it survives a restart). Recipes cannot trigger one
// another without end: a recipe never fires on what it did itself, a
// chain of recipe actions stops at MaxDepth, and a conversation gets at
// most Rate runs per RateWindow; every stop is written in the history.
//
// Conditions are compiled by a Compiler (package exprfilter wraps
// expr-lang) against Env, once per recipe version.
package recipes
