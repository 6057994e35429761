package bot

// TryResult says what happened to a try.
type TryResult struct {
	Delivered bool       `json:"delivered"`
	To        Address    `json:"to"`
	Message   MessageRef `json:"message,omitzero"`
	// Reason says why it was not delivered, and Step where.
	Reason string `json:"reason,omitempty"`
	Step   Step   `json:"step,omitempty"`
	// ReasonKey and ReasonArgs are Reason's catalogue key and arguments,
	// when the error had them.
	ReasonKey  string `json:"-"`
	ReasonArgs []any  `json:"-"`
}
