package campaigns

import (
	"context"

	"github.com/heraldchat/herald/bot"
)

// Dispatcher is the sending side of campaigns as the service reaches
// it: the engine that prepares and sends every campaign's sendings
// implements it. Implementations are safe for concurrent use.
type Dispatcher interface {
	// Notify tells the dispatcher that campaign id changed (scheduled,
	// edited while scheduled, paused, resumed, cancelled, taken back to
	// draft); it acts on it soon after. It does not block.
	Notify(id bot.CampaignID)
	// Connected reports whether herald sends on platform p.
	Connected(p bot.Platform) bool
	// Try sends c's message to one address now, outside c's report, the
	// way c's sendings go: to is resolved on c's platform (an email is
	// looked up when c sends on a chat platform), the message is
	// personalised with attrs and c's key column and defaults, and the
	// platform's limiter is waited for. The result says whether it was
	// delivered, or why not and at which step; an error means the try
	// could not be made (ctx ended while waiting for the limiter).
	Try(ctx context.Context, c *bot.Campaign, to bot.Address, attrs map[string]string) (*bot.TryResult, error)
}
