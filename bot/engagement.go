package bot

// Tracking says which campaign sending a message is, so that a surface
// that can tell when a message is shown reports it seen (the web chat, an
// email's open pixel), and whether its links were rewritten to count
// clicks: platforms' link previews are then turned off, since a preview
// fetch is not a click and would show the tracking address.
type Tracking struct {
	Campaign CampaignID `json:"campaign"`
	Sending  SendingID  `json:"sending"`
	// Links is set when the message's links go through herald.
	Links bool `json:"links,omitempty"`
	// Pixel, when set, is the address of a one-pixel image that records
	// the message seen; email shows it when email.track_opens is on.
	Pixel string `json:"pixel,omitempty"`
}
