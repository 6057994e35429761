package bot

import (
	"context"
	"time"
)

// ContactID identifies a Contact in the store.
type ContactID uint64

// Reachability says whether herald can write to a person on one platform.
type Reachability string

// The reachability values. Platforms differ in what stands between herald
// and a person; each adapter says which of these it reports.
const (
	ReachUnknown      Reachability = ""
	ReachReachable    Reachability = "reachable"     // herald can write to the user
	ReachNotStarted   Reachability = "not_started"   // the user never started a chat with the bot
	ReachNotInstalled Reachability = "not_installed" // the app is not installed for the user
	ReachBlocked      Reachability = "blocked"       // the user blocked the bot or closed DMs
	ReachGone         Reachability = "gone"          // the account was deleted or deactivated, or never existed
)

// Unreachable reports whether r says herald cannot write to the person
// (until they write again).
func (r Reachability) Unreachable() bool {
	return r == ReachBlocked || r == ReachNotStarted || r == ReachNotInstalled || r == ReachGone
}

// ContactAddress is one of a contact's addresses and what herald knows of
// reaching it.
type ContactAddress struct {
	Address   Address      `json:"address"`
	Reach     Reachability `json:"reach,omitempty"`
	CheckedAt time.Time    `json:"checked_at,omitzero"`
}

// Contact is a person herald has met on one or more platforms.
type Contact struct {
	ID         ContactID         `json:"id"`
	Name       string            `json:"name,omitempty"`
	Email      string            `json:"email,omitempty"`
	Addresses  []ContactAddress  `json:"addresses,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	LastSeen   time.Time         `json:"last_seen,omitzero"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
	// Claim is an email the person typed themselves and has not confirmed.
	Claim *EmailClaim `json:"claim,omitempty"`
}

// EmailClaim is an email a person gave on their word alone (the web
// chat's profile). Until they enter the one-time code herald emailed
// there, herald writes to them at it (MailTo) but never matches them by it
// — to a list, a campaign's `auto` reach or another contact — since anyone
// can type anyone's email.
type EmailClaim struct {
	Email string `json:"email"`
	// CodeHash is the hex SHA-256 of the code last sent, valid until
	// Until; Tries counts the wrong codes entered since.
	CodeHash string    `json:"code_hash,omitempty"`
	Until    time.Time `json:"until,omitzero"`
	Tries    int       `json:"tries,omitempty"`
}

// MailTo returns where email reaches the contact: its email, else the one
// it claimed, else "".
func (c *Contact) MailTo() string {
	if c.Email == "" && c.Claim != nil {
		return c.Claim.Email
	}
	return c.Email
}

// AddressOn returns the contact's address on platform p, if it has one.
func (c *Contact) AddressOn(p Platform) (ContactAddress, bool) {
	for _, a := range c.Addresses {
		if a.Address.Platform == p {
			return a, true
		}
	}
	return ContactAddress{}, false
}

// ContactFilter selects contacts. Zero fields select everything.
type ContactFilter struct {
	// Platform keeps contacts with an address on that platform.
	Platform Platform
	// Reachable keeps contacts reachable on Platform (requires Platform).
	Reachable bool
	// After and Limit page through contacts in ID order.
	After ContactID
	Limit int
}

// ContactStore keeps the contact directory. An address or an email belongs
// to at most one contact. Each method is atomic; implementations are safe
// for concurrent use.
type ContactStore interface {
	// CreateContact stores c, setting its ID and timestamps. It returns an
	// ECONFLICT error if one of c's addresses or its email already belongs to
	// another contact.
	CreateContact(ctx context.Context, c *Contact) error
	// Contact returns the contact with that ID, or an ENOTFOUND error.
	Contact(ctx context.Context, id ContactID) (*Contact, error)
	// ContactByAddress returns the contact holding addr, or ENOTFOUND.
	ContactByAddress(ctx context.Context, addr Address) (*Contact, error)
	// ContactByEmail returns the contact with that email (compared
	// case-insensitively), or ENOTFOUND.
	ContactByEmail(ctx context.Context, email string) (*Contact, error)
	// UpdateContact applies fn to the stored contact and saves the result in
	// the same transaction. An error from fn aborts the update and is
	// returned as is.
	UpdateContact(ctx context.Context, id ContactID, fn func(*Contact) error) (*Contact, error)
	// Contacts returns the contacts matching f in ID order.
	Contacts(ctx context.Context, f ContactFilter) ([]*Contact, error)
	// CountContacts returns how many contacts match f (After and Limit
	// are ignored).
	CountContacts(ctx context.Context, f ContactFilter) (int, error)
	// DeleteContact removes the contact, or returns ENOTFOUND.
	DeleteContact(ctx context.Context, id ContactID) error
	// MoveAddress moves addr, with what is known of reaching it, from the
	// contact holding it to contact to, in one transaction, and returns
	// contact to as saved. The contact it leaves loses its Claim (the
	// claim is settled by the move). ENOTFOUND when no contact holds addr
	// or to does not exist.
	MoveAddress(ctx context.Context, addr Address, to ContactID) (*Contact, error)
	// AssignAttributes merges attributes into the contacts holding the
	// given addresses, in one transaction; addresses no contact holds are
	// ignored and empty values too. It returns how many contacts changed.
	AssignAttributes(ctx context.Context, attrs map[Address]map[string]string) (int, error)
}
