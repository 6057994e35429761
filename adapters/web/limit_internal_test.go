package web

import (
	"fmt"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot/bottest"
)

// TestManyKeysDoNotWipeALimit: a key at its limit stays limited however
// many other keys come (it was wiped past 10,000); it is forgotten only
// once its bucket would be full again.
func TestManyKeysDoNotWipeALimit(t *testing.T) {
	clock := bottest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	a := New(Config{Clock: clock, Key: []byte("k0123456789abcdef0123456789abcde")})
	for range 5 {
		a.allow("login:10.0.0.1", 10*time.Second, 5)
	}
	if a.allow("login:10.0.0.1", 10*time.Second, 5) {
		t.Fatal("the sixth attempt went through")
	}
	for i := range 10_002 {
		a.allow(fmt.Sprint("login:10.1.", i), 10*time.Second, 5)
	}
	if a.allow("login:10.0.0.1", 10*time.Second, 5) {
		t.Fatal("10,002 other addresses reset the limit")
	}
	clock.Advance(50 * time.Second)
	if !a.allow("login:10.0.0.1", 10*time.Second, 5) {
		t.Fatal("still limited once the bucket is full again")
	}
}
