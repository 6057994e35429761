package commands

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldchat/herald/bot"
)

// historyLines is the most lines `history` shows: the latest ones.
const historyLines = 50

// history lists what happened in the thread's conversation, oldest first:
// messages, replies, notes and every action, by a person or a recipe.
func (h *handlers) history(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
	c, evs, err := cs.History(ctx, r.Thread)
	if err != nil {
		return err
	}
	var lines []string
	for _, e := range evs {
		if line := h.historyLine(e); line != "" {
			lines = append(lines, "• "+e.At.UTC().Format("2006-01-02 15:04")+" · "+line)
		}
	}
	out := []string{h.text.T(TextHistoryHead, c.ID, c.Participant.String())}
	if len(lines) > historyLines {
		out = append(out, h.text.T(TextHistoryEarlier, len(lines)-historyLines))
		lines = lines[len(lines)-historyLines:]
	}
	w.Private = true
	w.Text(bot.KindMessage, strings.Join(append(out, lines...), "\n"))
	return nil
}

// historyLine says what event e was, in the reader's language; "" for an
// event history does not show.
func (h *handlers) historyLine(e *bot.Event) string {
	by := e.By.String()
	if e.By == (bot.Actor{}) && e.Data["by"] != "" {
		by = e.Data["by"] // recorded before events kept their actor
	}
	switch e.Type {
	case bot.EventConversationOpen:
		return h.text.T(TextHistoryOpened)
	case bot.EventParticipantJoined:
		return h.text.T(TextHistoryJoined)
	case bot.EventMessageReceived:
		if e.Data["blocked"] == "true" {
			return h.text.T(TextHistoryBlocked)
		}
		what := quoteShort(e.Text)
		if n, _ := strconv.Atoi(e.Data["files"]); n > 0 {
			what = strings.TrimSpace(what + " " + h.text.T(TextHistoryFiles, n))
		}
		return h.text.T(TextHistoryMessage, what)
	case bot.EventReplySent:
		if e.Data["via"] == "email" {
			return h.text.T(TextHistoryReplyBy, by, quoteShort(e.Text))
		}
		return h.text.T(TextHistoryReply, by, quoteShort(e.Text))
	case bot.EventNoteAdded:
		return h.text.T(TextHistoryNote, by)
	case bot.EventTagAdded:
		return h.text.T(TextHistoryTagAdd, by, e.Data["tag"])
	case bot.EventTagRemoved:
		return h.text.T(TextHistoryTagDel, by, e.Data["tag"])
	case bot.EventStatusChanged:
		return h.statusLine(e, by)
	case bot.EventCustom:
		return h.text.T(TextHistoryOther, by, e.Name)
	case bot.EventSurveyAnswered:
		top := "5"
		if e.Data["survey"] == "nps" {
			top = "10"
		}
		return h.text.T(TextHistoryRated, e.Data["rating"], top, e.Data["survey"])
	case bot.EventDraftAdded:
		if e.Data["approval"] == "true" {
			return h.text.T(TextHistoryApproval, by, e.Data["draft"], quoteShort(e.Text))
		}
		return h.text.T(TextHistoryDraft, by, e.Data["draft"], quoteShort(e.Text))
	case bot.EventDraftEdited:
		return h.text.T(TextHistoryDraftEdited, by, e.Data["draft"], quoteShort(e.Text))
	case bot.EventDraftDiscarded:
		return h.text.T(TextHistoryDraftGone, by, e.Data["draft"])
	case bot.EventRecipeAction:
		return h.text.T(TextHistoryRecipe, by, e.Data["what"])
	}
	return h.text.T(TextHistoryOther, by, string(e.Type))
}

// statusLine says what a status_changed event did, and the status it
// moved between when it moved.
func (h *handlers) statusLine(e *bot.Event, by string) string {
	what := e.Data["what"]
	var line string
	switch {
	case what == "closed":
		line = h.text.T(TextHistoryClosed, by)
	case strings.HasPrefix(what, "close at "):
		at := strings.TrimPrefix(what, "close at ")
		if t, err := time.Parse(time.RFC3339, at); err == nil {
			at = t.UTC().Format("2006-01-02 15:04 UTC")
		}
		line = h.text.T(TextHistoryCloseAt, by, at)
	case what == "reopened":
		line = h.text.T(TextHistoryReopened, by)
	case what == "reopened by a message":
		line = h.text.T(TextHistoryReopenBy)
	case what == "answered":
		line = h.text.T(TextHistoryAnswered)
	case strings.HasPrefix(what, "assigned to "):
		line = h.text.T(TextHistoryAssigned, by, strings.TrimPrefix(what, "assigned to "))
	case what == "blocked":
		line = h.text.T(TextHistoryBlock, by)
	case what == "unblocked":
		line = h.text.T(TextHistoryUnblock, by)
	default:
		line = h.text.T(TextHistoryOther, by, what)
	}
	if from, to := e.Data["from"], e.Data["status"]; from != "" && from != to {
		line += " (" + h.text.T(TextHistoryStatus, h.statusWord(from), h.statusWord(to)) + ")"
	}
	return line
}

// statusWord names a conversation status in the reader's language.
func (h *handlers) statusWord(s string) string {
	if h.text.Locale() != LocaleFrench {
		return s
	}
	switch bot.ConversationStatus(s) {
	case bot.ConversationOpen:
		return "ouverte"
	case bot.ConversationPending:
		return "en attente"
	case bot.ConversationResolved:
		return "résolue"
	}
	return s
}

// quoteShort quotes the start of a message's text for a history line.
func quoteShort(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return ""
	}
	const most = 80
	if utf8.RuneCountInString(text) > most {
		text = string([]rune(text)[:most]) + "…"
	}
	return "“" + text + "”"
}
