package bot

import (
	"context"
	"time"
)

// List is a named, reusable set of recipients built from uploaded files or
// from contacts. Names are compared case-insensitively.
type List struct {
	Name string `json:"name"`
	// KeyColumn is the canonical key: "email", "respondentID", or a
	// platform's id column, PLATFORM_id.
	KeyColumn string `json:"key_column"`
	// Columns are the attribute names, in the order of the file.
	Columns []string `json:"columns,omitempty"`
	Size    int      `json:"size"`
	// Filled counts, per column, the rows with a value in it, kept by
	// every write, so that a campaign's start checks it without reading
	// the rows; nil for a list stored before it was kept (unknown).
	Filled    map[string]int `json:"filled"`
	CreatedAt time.Time      `json:"created_at"`
	CreatedBy Actor          `json:"created_by"`
	UpdatedAt time.Time      `json:"updated_at"`
	UpdatedBy Actor          `json:"updated_by"`
}

// Recipient is one row of a list: its key and its attributes.
type Recipient struct {
	// ID is the recipient's position in its list, set by the store: rows
	// keep the order in which they were first added. It is 0 for a
	// recipient not yet stored.
	ID         uint64            `json:"id,omitempty"`
	Key        string            `json:"key"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// ListStore keeps lists and their recipients. Each method is one
// transaction; implementations are safe for concurrent use.
type ListStore interface {
	// CreateList stores the list l (its Size is ignored and starts at 0). It
	// returns ECONFLICT when a list with that name exists. Any non-empty
	// name is accepted here (the lists service checks names people give).
	CreateList(ctx context.Context, l *List) error
	// List returns the list named name, or ENOTFOUND.
	List(ctx context.Context, name string) (*List, error)
	// Lists returns every list, staging lists included, in name order.
	Lists(ctx context.Context) ([]*List, error)
	// DeleteList removes the list and its recipients, or returns ENOTFOUND.
	DeleteList(ctx context.Context, name string) error
	// PutRecipients writes rs in one transaction (a group commit): a
	// recipient with an ID replaces that row, one without is appended and
	// its ID set. Keys are not checked for uniqueness; the import does
	// that. Attribute names new to the list are appended to its Columns.
	// It returns ENOTFOUND for an unknown list or row, EINVALID for an
	// empty key, and then writes nothing.
	PutRecipients(ctx context.Context, name string, rs []Recipient, by Actor) error
	// Recipients returns up to limit recipients with an ID greater than
	// after, in ID order (limit <= 0 means all).
	Recipients(ctx context.Context, name string, after uint64, limit int) ([]Recipient, error)
	// ReplaceRecipients gives list name the recipients and columns of list
	// from and deletes from, in one transaction. When name does not exist,
	// from is renamed to name. The key columns must match (EINVALID).
	ReplaceRecipients(ctx context.Context, name, from string, by Actor) error
}
