package bot

import (
	"context"
)

// InboundKind says what an adapter received.
type InboundKind string

// The kinds of inbound events.
const (
	// InboundParticipantMessage: a participant wrote to herald (Text,
	// Files), or pressed one of the reply buttons of a message (Text is
	// the button's value).
	InboundParticipantMessage InboundKind = "participant-message"
	// InboundParticipantJoined: a participant joined or registered (an app
	// installed, a bot started).
	InboundParticipantJoined InboundKind = "participant-joined"
	// InboundThreadMessage: a moderator wrote in a participant's thread
	// (Thread, Text, Files), as typed: a note, a thread command or a
	// reply. Which one it is, the handler decides.
	InboundThreadMessage InboundKind = "thread-message"
	// InboundCommand: a moderator's command (Text, the command's words
	// without the platform's command prefix; Files attached to it;
	// Thread when typed in one).
	InboundCommand InboundKind = "command"
	// InboundButton: a moderator pressed a command button (Signed).
	InboundButton InboundKind = "button"
	// InboundFile: a moderator sent a file without a command (Files).
	InboundFile InboundKind = "file"
	// InboundForm: a moderator submitted a form (Form, Fields, and Files
	// for its file inputs).
	InboundForm InboundKind = "form"
)

// The forms a surface may open and submit. Their fields are named in
// Inbound.Fields.
const (
	// FormCampaign creates a draft campaign. Fields: name, kind, title,
	// text, list, platform, and the schedule either as one field
	// (schedule: "at tomorrow 9:00 window 2h") or as its parts (at,
	// window, hours, tz). A file in Files is the audience.
	FormCampaign = "campaign"
	// FormSurvey creates a draft survey: a campaign form (the same
	// fields) where questions holds the questions, one per line as typed
	// after `campaign question ID add`, and thanks the thank-you message.
	FormSurvey = "survey"
	// FormListImport imports the file in Files into a list. Fields: name,
	// mode (merge or replace).
	FormListImport = "list-import"
	// FormNudge creates a nudge, off. Fields: name, when (its rule, as
	// typed after `nudge when ID`), text, hours (working days and hours),
	// tz.
	FormNudge = "nudge"
	// FormRecipe creates an automation recipe, off unless enabled.
	// Fields: name, when, if, do, hours — each as typed after `recipe
	// when|if|do|hours ID`.
	FormRecipe = "recipe"
)

// Inbound is one event a surface received, in neutral terms: the adapter
// only translates the platform's event into it; what it means is the
// InboundHandler's business.
type Inbound struct {
	Kind InboundKind
	// From is who wrote, joined, pressed or submitted.
	From Actor
	// Email is the participant's email when the platform or they tell.
	Email string
	// ID is the platform's id of the event, so that a redelivered
	// participant message is relayed once; "" when the platform gives
	// none.
	ID string
	// Text is what was written, as typed; for a command, its words
	// without the platform's command prefix.
	Text string
	// Files are the files that came with it, with their Data.
	Files []File
	// Copy, for a participant message on a surface whose history herald
	// keeps (the web chat), is the participant's own copy of it, kept in
	// the same transaction as the message (the threads service's intake).
	Copy *Post
	// Thread is the participant's thread a moderator wrote in.
	Thread ThreadRef
	// Signed is a pressed command button's value.
	Signed string
	// Form and Fields are a submitted form's name and values.
	Form   string
	Fields map[string]string
	// Forms are the forms the surface can open in answer to a command
	// (see InboundReply.Form): a bare `campaign new` opens its form
	// instead of asking for a name.
	Forms []string
}

// Echo is what a moderator's message in a thread became, as a thread that
// herald keeps itself (the web console) shows it: the reply as it went,
// or, Internal, a note that never reaches the participant. Platforms that
// show a moderator's own message in the thread ignore it.
type Echo struct {
	Message  Message
	Internal bool
}

// InboundReply is the handler's answer to an inbound event, for the
// surface to show where the event came from.
type InboundReply struct {
	// Replies are shown in order, each privately or not.
	Replies []CommandReply
	// Echo, for a thread message, is what it became (nil when it was
	// ignored or ran a command).
	Echo *Echo
	// Form, when set, is one of Inbound.Forms: the surface opens that
	// form instead of answering. When it cannot, it sends the event again
	// without Forms.
	Form string
}

// InboundHandler handles everything surfaces receive: participants'
// messages and joins, moderators' thread messages, commands, buttons,
// files and forms (package commands). Moderators' problems come back as
// replies; an error means the event was not handled (a participant's
// message was not relayed) and the surface logs it, or tells the
// participant. It is safe for concurrent use.
type InboundHandler interface {
	Handle(ctx context.Context, in Inbound) (InboundReply, error)
}
