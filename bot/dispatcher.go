package bot

import "context"

// Dispatcher is the sending side of campaigns as CampaignService reaches
// it: the engine that prepares and sends every campaign's sendings
// implements it. Implementations are safe for concurrent use.
type Dispatcher interface {
	// Notify tells the dispatcher that campaign id changed (scheduled,
	// edited while scheduled, paused, resumed, cancelled, taken back to
	// draft); it acts on it soon after. It does not block.
	Notify(id CampaignID)
	// Connected reports whether herald sends on platform p.
	Connected(p Platform) bool
	// Try sends c's message to one address now, outside c's report, the
	// way c's sendings go: to is resolved on c's platform (an email is
	// looked up when c sends on a chat platform), the message is
	// personalised with attrs and c's key column and defaults, and the
	// platform's limiter is waited for. The result says whether it was
	// delivered, or why not and at which step; an error means the try
	// could not be made (ctx ended while waiting for the limiter).
	Try(ctx context.Context, c *Campaign, to Address, attrs map[string]string) (*TryResult, error)
}

// TryResult says what happened to a try.
type TryResult struct {
	Delivered bool       `json:"delivered"`
	To        Address    `json:"to"`
	Message   MessageRef `json:"message,omitzero"`
	// Reason says why it was not delivered, and Step where.
	Reason string `json:"reason,omitempty"`
	Step   Step   `json:"step,omitempty"`
}
