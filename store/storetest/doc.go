// Package storetest is the conformance suite of bot's store ports. Every
// store implementation runs it (the bbolt store in package store, the
// in-memory store in bot/bottest), so that service tests over either
// store test the same behaviour.
package storetest
