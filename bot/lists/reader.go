package lists

import "github.com/heraldchat/herald/bot"

// RecipientRow is one row read from a recipient file: where it starts, the
// recipient, and why it is invalid ("" when valid).
type RecipientRow struct {
	Line      int
	Recipient bot.Recipient
	Invalid   string
	// ReasonKey and ReasonArgs are Invalid as a catalogue key and its
	// arguments, for surfaces in another language ("" for none).
	ReasonKey  string
	ReasonArgs []any
}

// RecipientReader streams the rows of a recipient file. The file reader
// (package csvfile) implements it; Service.Import consumes it and, when
// the reader is also an io.Closer, closes it when done.
type RecipientReader interface {
	// KeyColumn is the canonical key: email, respondentID or a platform id
	// column such as slack_id.
	KeyColumn() string
	// Columns are the attribute names in file order.
	Columns() []string
	// ReadRecipient returns the next row, and io.EOF after the last. Rows
	// with an invalid key, or a key repeating an earlier row's, come back
	// with Invalid set, never dropped.
	ReadRecipient() (RecipientRow, error)
}
