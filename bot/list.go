package bot

import (
	"context"
	"strings"
	"time"
)

// List is a named, reusable set of recipients built from uploaded files or
// from contacts. Names are compared case-insensitively.
type List struct {
	Name string `json:"name"`
	// KeyColumn is the canonical key: "email", "respondentID", or a
	// platform id column such as "slack_id".
	KeyColumn string `json:"key_column"`
	// Columns are the attribute names, in the order of the file.
	Columns   []string  `json:"columns,omitempty"`
	Size      int       `json:"size"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy Actor     `json:"created_by"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy Actor     `json:"updated_by"`
}

// Recipient is one row of a list: its key and its attributes.
type Recipient struct {
	Key        string            `json:"key"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// ValidateListName returns an EINVALID error when name cannot name a list.
func ValidateListName(name string) error {
	if strings.TrimSpace(name) == "" {
		return Errorf(EINVALID, "a list needs a name")
	}
	if len(name) > 80 {
		return Errorf(EINVALID, "list name %q is longer than 80 characters", name)
	}
	if strings.ContainsAny(name, " \t\r\n") {
		return Errorf(EINVALID, "list name %q has spaces: use letters, digits, - or _", name)
	}
	return nil
}

// ListStore keeps lists and their recipients. Each method is one
// transaction; implementations are safe for concurrent use.
type ListStore interface {
	// CreateList stores the list l (its Size is ignored and starts at 0). It
	// returns ECONFLICT when a list with that name exists.
	CreateList(ctx context.Context, l *List) error
	// List returns the list named name, or ENOTFOUND.
	List(ctx context.Context, name string) (*List, error)
	// Lists returns every list in name order.
	Lists(ctx context.Context) ([]*List, error)
	// DeleteList removes the list and its recipients, or returns ENOTFOUND.
	DeleteList(ctx context.Context, name string) error
	// PutRecipients adds rs to the list in one transaction (a group commit):
	// a recipient whose key is already there has its attributes replaced,
	// others are appended. Keys that are emails are compared
	// case-insensitively. It returns how many were added and updated.
	PutRecipients(ctx context.Context, name string, rs []Recipient, by Actor) (added, updated int, err error)
	// Recipients returns up to limit recipients of the list in the order they
	// were first added, starting after the cursor (0 for the beginning), and
	// the cursor to pass to get the next page (0 when there is none).
	Recipients(ctx context.Context, name string, cursor uint64, limit int) ([]Recipient, uint64, error)
}
