package contacts

import (
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
)

// NormalizeEmail returns the form of an email address used to compare and
// index it: trimmed and lower-cased.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// MoveAddress moves addr, with its reachability, from contact from to
// contact to (both changed in place, UpdatedAt now), for a ContactStore's
// MoveAddress; from loses its Claim.
func MoveAddress(from, to *bot.Contact, addr bot.Address, now time.Time) {
	for i, a := range from.Addresses {
		if a.Address == addr {
			from.Addresses = append(from.Addresses[:i:i], from.Addresses[i+1:]...)
			to.Addresses = append(to.Addresses, a) // an address belongs to one contact: to lacks it
			break
		}
	}
	from.Claim = nil
	if from.LastSeen.After(to.LastSeen) {
		to.LastSeen = from.LastSeen
	}
	from.UpdatedAt, to.UpdatedAt = now, now
}
