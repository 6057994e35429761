package bot

import (
	"net/url"
	"strings"
)

// Kind is the look of a message: its colour or icon on platforms that have
// them, and whether it is laid out as a card.
type Kind string

// The message kinds moderators choose from.
const (
	KindMessage   Kind = "message"
	KindIdea      Kind = "idea"
	KindSuccess   Kind = "success"
	KindImportant Kind = "important"
	KindCard      Kind = "card"
)

// maxCampaignButtons is the most buttons a campaign's message may carry:
// what every platform shows on one row (ValidateCampaign).
const maxCampaignButtons = 5

// maxButtons is the most buttons any message may carry (a survey's NPS
// question has eleven and a skip): each adapter lays them out in rows as
// its platform takes them.
const maxButtons = 25

// Message is a platform-neutral rich message; each adapter renders it in
// its platform's own layout.
//
// Text uses a small markup every platform can render: *bold*, _italic_,
// `code`, [label](https://link) and line breaks.
type Message struct {
	Kind     Kind     `json:"kind,omitempty"`
	Title    string   `json:"title,omitempty"`
	Text     string   `json:"text,omitempty"`
	ImageURL string   `json:"image_url,omitempty"`
	Fields   []Field  `json:"fields,omitempty"`
	Buttons  []Button `json:"buttons,omitempty"`
	Files    []File   `json:"files,omitempty"`
	// Campaign is the campaign a card shows, so that surfaces can keep the
	// card up to date as the campaign runs; 0 for other messages.
	Campaign CampaignID `json:"campaign,omitempty"`
	// Tracking, when set, is the campaign sending this message is.
	Tracking *Tracking `json:"tracking,omitempty"`
	// Select, when set, offers several answers to pick at once (a
	// survey's multiple choice): surfaces with checkboxes or a multi-
	// select menu show it and leave out the buttons marked Option; the
	// others show those buttons, one press per answer.
	Select *Select `json:"select,omitempty"`
}

// Select is a list to pick several answers from. What is picked goes
// back as the person's message: Value, then the picked options' values
// joined by commas ("sv:3:1:set:0,2"), each time the choice changes.
type Select struct {
	Placeholder string   `json:"placeholder,omitempty"`
	Options     []Option `json:"options"`
	Value       string   `json:"value"`
}

// Option is one answer of a Select.
type Option struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Field is a label and value shown side by side (short) or stacked.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
	Short bool   `json:"short,omitempty"`
}

// ActionKind says what pressing a button does.
type ActionKind string

// The button actions.
const (
	// ActionLink opens URL in the browser.
	ActionLink ActionKind = "link"
	// ActionReply sends Value back to herald as the presser's answer.
	ActionReply ActionKind = "reply"
	// ActionCommand runs Value as a moderator command (signed by the adapter).
	ActionCommand ActionKind = "command"
)

// Button is a pressable action under a message.
type Button struct {
	Label  string `json:"label"`
	Action Action `json:"action"`
	// Style is "", "primary" or "danger"; platforms without styles ignore it.
	Style string `json:"style,omitempty"`
	// Option marks a button the message's Select stands for: a surface
	// that shows the Select leaves it out.
	Option bool `json:"option,omitempty"`
}

// Action is what a button does.
type Action struct {
	Kind  ActionKind `json:"kind"`
	URL   string     `json:"url,omitempty"`
	Value string     `json:"value,omitempty"`
}

// File is a file attached to a message. Outbound files carry Data; inbound
// files carry the URL the adapter downloads them from.
type File struct {
	// ID names a file kept with a post (PostStore), once stored.
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size,omitempty"`
	URL         string `json:"url,omitempty"`
	Data        []byte `json:"-"`
}

// IsEmpty reports whether m has nothing to show.
func (m Message) IsEmpty() bool {
	return strings.TrimSpace(m.Text) == "" && m.Title == "" && m.ImageURL == "" &&
		len(m.Fields) == 0 && len(m.Files) == 0
}

// ValidateCampaign checks a campaign's message as moderators write it:
// Validate, and at most five buttons (what every platform shows on one row).
func (m Message) ValidateCampaign() error {
	if err := m.Validate(); err != nil {
		return err
	}
	if len(m.Buttons) > maxCampaignButtons {
		return Errorf(EINVALID, "%d buttons: a message carries at most %d", len(m.Buttons), maxCampaignButtons)
	}
	return nil
}

// Validate checks that m can be rendered on every platform. It returns an
// EINVALID error naming the first problem and how to fix it.
func (m Message) Validate() error {
	switch m.Kind {
	case "", KindMessage, KindIdea, KindSuccess, KindImportant, KindCard:
	default:
		return Errorf(EINVALID, "unknown message kind %q: use message, idea, success, important or card", m.Kind)
	}
	if m.IsEmpty() {
		return Errorf(EINVALID, "the message is empty: give it a text, a title or an image")
	}
	if m.ImageURL != "" && !isWebURL(m.ImageURL) {
		return Errorf(EINVALID, "image %q is not an http(s) link", m.ImageURL)
	}
	if len(m.Buttons) > maxButtons {
		return Errorf(EINVALID, "%d buttons: a message carries at most %d", len(m.Buttons), maxButtons)
	}
	for i, b := range m.Buttons {
		if strings.TrimSpace(b.Label) == "" {
			return Errorf(EINVALID, "button %d has no label", i+1)
		}
		switch b.Action.Kind {
		case ActionLink:
			if !isWebURL(b.Action.URL) {
				return Errorf(EINVALID, "button %q: %q is not an http(s) link", b.Label, b.Action.URL)
			}
		case ActionReply, ActionCommand:
			if b.Action.Value == "" {
				return Errorf(EINVALID, "button %q has no value to send back", b.Label)
			}
		default:
			return Errorf(EINVALID, "button %q: unknown action %q: use link or reply", b.Label, b.Action.Kind)
		}
	}
	for i, f := range m.Fields {
		if f.Label == "" && f.Value == "" {
			return Errorf(EINVALID, "field %d is empty", i+1)
		}
	}
	for _, f := range m.Files {
		if f.Name == "" {
			return Errorf(EINVALID, "an attached file has no name")
		}
	}
	return nil
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
