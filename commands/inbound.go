package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/expiring"
	"github.com/heraldchat/herald/bot/threads"
)

// ThreadService is participant threads as Inbound uses them: relaying
// participants' messages, moderators' replies, and the thread commands.
// threads.Service implements it.
type ThreadService interface {
	Receive(ctx context.Context, in threads.Incoming) (*bot.Conversation, error)
	Joined(ctx context.Context, in threads.Incoming) (*bot.Conversation, error)
	Reply(ctx context.Context, thread bot.ThreadRef, from bot.Actor, m bot.Message) (threads.Delivery, error)
	ConversationOf(ctx context.Context, thread bot.ThreadRef) (*bot.Conversation, error)
	Handled(ctx context.Context, thread bot.ThreadRef, from bot.Actor, id string) (bool, error)
	MarkHandled(ctx context.Context, c *bot.Conversation, thread bot.ThreadRef, from bot.Actor, id string) error
	Close(ctx context.Context, thread bot.ThreadRef, by bot.Actor, after time.Duration, message string) (*bot.Conversation, error)
	Reopen(ctx context.Context, thread bot.ThreadRef, by bot.Actor) (*bot.Conversation, error)
	Assign(ctx context.Context, thread bot.ThreadRef, by, to bot.Actor) (*bot.Conversation, error)
	Tag(ctx context.Context, thread bot.ThreadRef, by bot.Actor, tag string, add bool) (*bot.Conversation, error)
	Block(ctx context.Context, thread bot.ThreadRef, by bot.Actor, blocked bool) (*bot.Conversation, error)
	Say(ctx context.Context, thread bot.ThreadRef, by bot.Actor, m bot.Message) error
	Note(ctx context.Context, thread bot.ThreadRef, by bot.Actor) error
	History(ctx context.Context, thread bot.ThreadRef) (*bot.Conversation, []*bot.Event, error)
	SendDraft(ctx context.Context, thread bot.ThreadRef, by bot.Actor, n int) (threads.Delivery, error)
	EditDraft(ctx context.Context, thread bot.ThreadRef, by bot.Actor, n int, text string) error
	DiscardDraft(ctx context.Context, thread bot.ThreadRef, by bot.Actor, n int) error
	ThreadOf(ctx context.Context, id bot.ConversationID) (bot.ThreadRef, error)
}

// Inbound is the one handler of everything surfaces receive
// (bot.InboundHandler): participants' messages and joins go to their
// threads, moderators' thread messages to the thread dialect (see
// threadMessage), commands, buttons, files and forms to the command
// language. It is safe for concurrent use.
type Inbound struct {
	Mux *Mux
	// Threads carries participant threads; nil when none are set up, and
	// then participants' messages are refused with EUNAVAILABLE and
	// thread messages ignored.
	Threads ThreadService
	// Answers, when set, reads a participant's message as a survey answer
	// first (surveys.Service): an answer is recorded there and goes to no
	// thread.
	Answers interface {
		Handle(ctx context.Context, from bot.Actor, text string, copy *bot.Post) (bool, error)
	}

	toldMu sync.Mutex
	told   *expiring.Map[string, struct{}] // who was told lately that their thread message went nowhere (toldLately)
}

// tellAgain is how long someone who is no moderator, told once that what
// they write in a participant's thread reaches no one, is not told again
// in that thread: each answer takes a post from the channel's budget,
// which the participants' relays share.
const tellAgain = 10 * time.Minute

// toldLately reports whether who was told within tellAgain, in thread,
// that their messages there go nowhere, and counts this time if not.
func (h *Inbound) toldLately(who bot.Address, thread bot.ThreadRef) bool {
	h.toldMu.Lock()
	if h.told == nil {
		h.told = expiring.New[string, struct{}](clock.System(), 10_000)
	}
	h.toldMu.Unlock()
	return !h.told.Add(who.String()+"|"+thread.Channel.String()+"|"+thread.ID, tellAgain)
}

var _ bot.InboundHandler = (*Inbound)(nil)

// NewInbound returns the handler serving mux's language and threads.
func NewInbound(mux *Mux, threads ThreadService) *Inbound {
	return &Inbound{Mux: mux, Threads: threads}
}

// Handle serves one inbound event. It returns an error only for a
// participant's message or join that could not be recorded or relayed,
// and for an unknown kind; moderators' problems come back as replies.
func (h *Inbound) Handle(ctx context.Context, in bot.Inbound) (bot.InboundReply, error) {
	var out bot.InboundReply
	switch in.Kind {
	case bot.InboundParticipantMessage, bot.InboundParticipantJoined:
		if h.Threads == nil {
			return out, bot.Errorf(bot.EUNAVAILABLE, "participant threads are not set up on this herald")
		}
		inc := threads.Incoming{From: in.From.Address, Name: in.From.Name, Email: in.Email, ID: in.ID,
			Message: bot.Message{Text: in.Text, Files: in.Files}, Copy: in.Copy}
		var err error
		if in.Kind == bot.InboundParticipantMessage && h.Answers != nil && len(in.Files) == 0 {
			answered, err := h.Answers.Handle(ctx, in.From, in.Text, in.Copy)
			if answered {
				return out, err
			}
			if err != nil {
				// Not known to be an answer: the message goes to its thread
				// rather than nowhere.
				h.Mux.log().Warn("surveys: reading a message as an answer", "err", err)
			}
		}
		if in.Kind == bot.InboundParticipantJoined {
			_, err = h.Threads.Joined(ctx, inc)
		} else {
			_, err = h.Threads.Receive(ctx, inc)
		}
		return out, err
	case bot.InboundThreadMessage:
		return h.threadMessage(ctx, in)
	case bot.InboundCommand:
		if form := h.formFor(ctx, in); form != "" {
			return bot.InboundReply{Form: form}, nil
		}
		return h.reply(h.Mux.RunCommand(ctx, CommandRequest{Actor: in.From, Text: in.Text, Files: in.Files, Thread: in.Thread})), nil
	case bot.InboundButton:
		if in.Signed == "" {
			// The surface no longer knows what the button ran (it kept
			// its long values in memory, and herald restarted since).
			return bot.InboundReply{Replies: []bot.CommandReply{{Private: true, Messages: []bot.Message{{Kind: bot.KindImportant,
				Text: h.Mux.Text.T(TextButtonForgotten)}}}}}, nil
		}
		return h.reply(h.Mux.RunCommand(ctx, CommandRequest{Actor: in.From, Signed: in.Signed, Thread: in.Thread})), nil
	case bot.InboundFile:
		for _, f := range in.Files {
			out.Replies = append(out.Replies, h.Mux.RunFile(ctx, in.From, f))
		}
		return out, nil
	case bot.InboundForm:
		return h.form(ctx, in), nil
	}
	return out, bot.Errorf(bot.EINVALID, "no handler for inbound events of kind %q", in.Kind)
}

func (h *Inbound) reply(r bot.CommandReply) bot.InboundReply {
	return bot.InboundReply{Replies: []bot.CommandReply{r}}
}

// formFor returns the form a bare command opens on a surface that offers
// it (`campaign new`, `list import`), for a moderator, or "".
func (h *Inbound) formFor(ctx context.Context, in bot.Inbound) string {
	if len(in.Forms) == 0 || len(in.Files) > 0 {
		return ""
	}
	form := ""
	switch strings.ToLower(strings.Join(strings.Fields(in.Text), " ")) {
	case "campaign new", "new":
		form = bot.FormCampaign
	case "survey new", "campaign new survey":
		form = bot.FormSurvey
	case "list import":
		form = bot.FormListImport
	case "nudge new":
		form = bot.FormNudge
	case "recipe new":
		form = bot.FormRecipe
	}
	if form == "" || !slices.Contains(in.Forms, form) {
		return ""
	}
	if ok, err := h.Mux.Auth.IsModerator(ctx, in.From); err != nil || !ok {
		return "" // the command language refuses, in words
	}
	return form
}

// form runs a submitted form as the commands a moderator would type.
func (h *Inbound) form(ctx context.Context, in bot.Inbound) bot.InboundReply {
	v := func(k string) string { return strings.TrimSpace(in.Fields[k]) }
	switch in.Form {
	case bot.FormListImport:
		return h.reply(h.Mux.RunCommand(ctx, CommandRequest{Actor: in.From, Files: in.Files,
			Text: strings.TrimSpace(fmt.Sprintf("list import %s %s", v("name"), v("mode")))}))
	case bot.FormCampaign, bot.FormSurvey:
		f := CampaignForm{Name: v("name"), Kind: v("kind"), Title: v("title"), Text: in.Fields["text"],
			List: v("list"), Platform: v("platform"), Schedule: v("schedule"), Questions: in.Fields["questions"], Thanks: v("thanks")}
		for _, k := range []string{"at", "window", "hours", "tz"} {
			if s := v(k); s != "" {
				f.Schedule = strings.TrimSpace(f.Schedule + " " + k + " " + s)
			}
		}
		if len(in.Files) > 0 {
			f.File = &in.Files[0]
		}
		_, replies := f.Run(ctx, h.Mux, in.From)
		return bot.InboundReply{Replies: replies}
	case bot.FormNudge:
		f := NudgeForm{Name: v("name"), When: v("when"), Text: in.Fields["text"], Hours: v("hours"), TZ: v("tz")}
		_, replies := f.Run(ctx, h.Mux, in.From)
		return bot.InboundReply{Replies: replies}
	case bot.FormRecipe:
		f := RecipeForm{Name: v("name"), When: v("when"), If: v("if"), Do: v("do"), Hours: v("hours")}
		return bot.InboundReply{Replies: f.Run(ctx, h.Mux, in.From)}
	}
	return h.reply(bot.CommandReply{Private: true, Messages: []bot.Message{{Kind: bot.KindImportant,
		Text: h.Mux.Text.T(TextUnknownForm, in.Form)}}})
}
