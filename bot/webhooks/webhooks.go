// Package webhooks holds the outbound webhooks recipes call: the
// endpoints, their deliveries and logs, and the store port that keeps
// them. Signing and sending them is package webhook's.
package webhooks

import (
	"context"
	"time"

	"github.com/heraldchat/herald/bot"
)

// Webhook is an outbound webhook endpoint that recipes call: deliveries
// are signed the Standard Webhooks way (webhook-id, webhook-timestamp,
// webhook-signature) with a secret kept apart (Store's secrets),
// so that nothing that prints a Webhook can print a secret.
type Webhook struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url"`
	Method      string `json:"method"`       // GET or POST
	ContentType string `json:"content_type"` // json or form
	// Vars are the parts of what happened a delivery carries:
	// conversation, contact, message, event; "all" for every one.
	Vars []string `json:"vars,omitempty"`
	// Disabled stops deliveries (the endpoint answered 410 Gone, or a
	// moderator turned it off); DisabledReason says why.
	Disabled       bool      `json:"disabled,omitempty"`
	DisabledReason string    `json:"disabled_reason,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	UpdatedBy      bot.Actor `json:"updated_by"`
}

// Delivery is one message to a webhook, kept from the moment it is
// decided until the endpoint took it or it was given up: a crash loses
// none. MsgID is the same on every attempt, so that receivers can tell a
// retry from a new message.
type Delivery struct {
	ID             uint64             `json:"id"`
	MsgID          string             `json:"msg_id"`
	Webhook        string             `json:"webhook"`
	Body           []byte             `json:"body"`
	Attempt        int                `json:"attempt"` // attempts made
	Due            time.Time          `json:"due"`
	LastError      string             `json:"last_error,omitempty"`
	ConversationID bot.ConversationID `json:"conversation_id,omitempty"`
	Recipe         string             `json:"recipe,omitempty"`
	CreatedAt      time.Time          `json:"created_at"`
}

// Attempt is one line of a webhook's delivery log. Host is the
// URL's host only: a URL can carry a secret.
type Attempt struct {
	At      time.Time     `json:"at"`
	MsgID   string        `json:"msg_id"`
	Attempt int           `json:"attempt"`
	Status  int           `json:"status,omitempty"`
	Took    time.Duration `json:"took"`
	Host    string        `json:"host"`
	Error   string        `json:"error,omitempty"`
	Excerpt string        `json:"excerpt,omitempty"` // the response's start
	Outcome string        `json:"outcome"`           // delivered, retry, failed, disabled
}

// LogSize is how many attempts a webhook's log keeps.
const LogSize = 200

// Store keeps webhooks, their secrets, their deliveries and their
// logs. Each method is one transaction; implementations are safe for
// concurrent use.
type Store interface {
	// PutWebhook stores w, replacing the webhook of that name (any case).
	PutWebhook(ctx context.Context, w *Webhook) error
	// Webhook returns the webhook named name, or ENOTFOUND.
	Webhook(ctx context.Context, name string) (*Webhook, error)
	// Webhooks returns every webhook, by name.
	Webhooks(ctx context.Context) ([]*Webhook, error)
	// DeleteWebhook removes the webhook, its secrets and its log:
	// ENOTFOUND when none, ECONFLICT while a recipe calls it.
	DeleteWebhook(ctx context.Context, name string) error
	// SetWebhookSecrets keeps the signing secret and the Authorization
	// header of webhook name ("" for none).
	SetWebhookSecrets(ctx context.Context, name, signing, authorization string) error
	// WebhookSecrets returns them.
	WebhookSecrets(ctx context.Context, name string) (signing, authorization string, err error)
	// EnqueueWebhooks stores deliveries (setting ID and CreatedAt); one
	// whose MsgID was enqueued before is skipped, so that a step replayed
	// after a crash does not deliver twice.
	EnqueueWebhooks(ctx context.Context, ds []*Delivery) error
	// DueWebhooks returns up to limit deliveries due at or before now,
	// earliest first; NextWebhook when the earliest is due (zero if none).
	DueWebhooks(ctx context.Context, now time.Time, limit int) ([]*Delivery, error)
	NextWebhook(ctx context.Context) (time.Time, error)
	// SettleWebhooks removes the deliveries done (delivered or given up),
	// saves retry (Attempt, Due, LastError), and appends log lines to
	// their webhooks' logs (each kept to LogSize), at once.
	SettleWebhooks(ctx context.Context, done []uint64, retry []*Delivery, log map[string][]*Attempt) error
	// WebhookLog returns up to limit of webhook name's last attempts,
	// latest first.
	WebhookLog(ctx context.Context, name string, limit int) ([]*Attempt, error)
}
