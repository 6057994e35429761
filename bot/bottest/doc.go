// Package bottest provides fakes of bot's ports for tests: a fake Clock that
// moves only when told, and an in-memory Messenger that records what it was
// asked to send and can be told to fail; and a Runner standing for the
// command language.
//
// Import rule: bottest imports bot and the standard library only. It is
// imported by tests, never by production code.
package bottest
