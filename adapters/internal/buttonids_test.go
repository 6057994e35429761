package internal_test

import (
	"testing"

	"github.com/heraldchat/herald/adapters/internal"
)

func TestButtonIDsKeepTheNewest(t *testing.T) {
	var b internal.ButtonIDs
	first := b.Put("campaign pause 1")
	if v, ok := b.Get(first); !ok || v != "campaign pause 1" || len(first) != 16 {
		t.Fatalf("%q → %q %v", first, v, ok)
	}
	for range internal.MaxButtonIDs {
		b.Put("x")
	}
	if _, ok := b.Get(first); ok {
		t.Fatal("the oldest id outlived the bound")
	}
	if _, ok := b.Get("nope"); ok {
		t.Fatal("an unknown id was found")
	}
}
