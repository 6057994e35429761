package threads

import (
	"time"

	"github.com/heraldchat/herald/bot"
)

// Incoming is a message a participant sent to herald on some platform.
type Incoming struct {
	From    bot.Address
	Name    string // when the platform tells
	Email   string // when the platform or the participant tells
	Message bot.Message
	// ID is the platform's id of the message, so that a redelivered event
	// is not relayed twice; "" when the platform gives none.
	ID string
	// CampaignID or Source says what brought the participant, when known.
	CampaignID bot.CampaignID
	Source     string
	// Copy is the participant's own copy of the message on a surface
	// whose history herald keeps (the web chat), kept with it (see
	// Intake.Copy).
	Copy *bot.Post
}

// Delivery says how a reply went: in chat, and whether it also (or only)
// waits to go by email.
type Delivery struct {
	Chat    bool      `json:"chat"`
	EmailTo string    `json:"email_to,omitempty"`
	EmailAt time.Time `json:"email_at,omitzero"`
}
