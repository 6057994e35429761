package engagement

import (
	"context"
	"strconv"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/surveys"
)

// State is a state a campaign's recipient is in, for `campaign people`.
// A recipient is in several at once: sent and seen and clicked.
type State string

// The states, as `campaign people ID STATE` reads them.
const (
	Sent     State = "sent"
	Seen     State = "seen"
	Clicked  State = "clicked"
	Answered State = "answered"
	Errors   State = "errors"
	Skipped  State = "skipped"
	Waiting  State = "waiting"
)

// States are the states in the order they are shown.
var States = []State{Sent, Seen, Clicked, Answered, Errors, Skipped, Waiting}

// Summary is a campaign's engagement: its recipients by delivery state,
// then what they did.
type Summary struct {
	Campaign   *bot.Campaign
	Recipients int
	Sent       int
	Errors     int
	Skipped    int
	Waiting    int
	// Seen counts the recipients whose message was seen, where the
	// platform tells (web chat, an email's pixel) or who clicked.
	Seen    int
	Clicked int
	Clicks  int
	// Answered counts the survey's respondents, or for another campaign
	// the recipients who wrote to herald after it reached them.
	Answered int
	// Tracked says links are counted: herald has a public address.
	Tracked bool
}

// Summary returns campaign id's engagement.
func (t *Tracker) Summary(ctx context.Context, id bot.CampaignID) (*Summary, error) {
	c, err := t.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	n, err := t.Store.SendingCounts(ctx, id)
	if err != nil {
		return nil, err
	}
	e, err := t.Store.EngagementCounts(ctx, id)
	if err != nil {
		return nil, err
	}
	s := &Summary{Campaign: c, Recipients: n.Total, Sent: n.Sent, Errors: n.Failed, Skipped: n.Skipped,
		Waiting: n.Pending + n.Scheduled + n.InFlight, Seen: e.Seen, Clicked: e.Clicked, Clicks: e.Clicks, Tracked: t.BaseURL != ""}
	if c.Survey != nil {
		tl, err := t.Store.SurveyTally(ctx, id)
		if err != nil {
			return nil, err
		}
		s.Answered = tl.Responses
		return s, nil
	}
	err = t.each(ctx, c, func(p Person) error {
		if p.Answered {
			s.Answered++
		}
		return nil
	})
	return s, err
}

// Person is one recipient of a campaign and what they did.
type Person struct {
	Sending    *bot.Sending
	Engagement Record
	// Answered is unknown (false) for an anonymous survey.
	Answered bool
}

// In reports whether p is in state st.
func (p Person) In(st State) bool {
	switch st {
	case Sent:
		return p.Sending.State == bot.SendingSent
	case Seen:
		return !p.Engagement.SeenAt.IsZero()
	case Clicked:
		return p.Engagement.Clicks > 0
	case Answered:
		return p.Answered
	case Errors:
		return p.Sending.State == bot.SendingFailed
	case Skipped:
		return p.Sending.State == bot.SendingSkipped
	case Waiting:
		return p.Sending.Open()
	}
	return false
}

// ParseState reads a state's name; ok is false for any other word.
func ParseState(word string) (State, bool) {
	for _, st := range States {
		if string(st) == word {
			return st, true
		}
	}
	return "", false
}

// People calls fn with each recipient of campaign id in state st, by
// sending. An anonymous survey's engagement is told as counts only
// (EFORBIDDEN for seen, clicked and answered): who answered is not kept,
// and who saw or clicked would come close to it; its delivery (sent,
// errors, skipped, waiting) is listed, as its report gives it.
func (t *Tracker) People(ctx context.Context, id bot.CampaignID, st State, fn func(Person) error) error {
	c, err := t.Store.Campaign(ctx, id)
	if err != nil {
		return err
	}
	if anonymous(c) && (st == Seen || st == Clicked || st == Answered) {
		return anonymousRefusal(id)
	}
	return t.each(ctx, c, func(p Person) error {
		if !p.In(st) {
			return nil
		}
		return fn(p)
	})
}

func anonymous(c *bot.Campaign) bool { return c.Survey != nil && c.Survey.Anonymous }

func anonymousRefusal(id bot.CampaignID) error {
	return bot.Errorf(bot.EFORBIDDEN, "survey %d is anonymous: its engagement is told as counts only (campaign stats), never person by person", id).Translated("err.survey.anonymous", id)
}

// Export writes campaign id's engagement, one row per recipient:
// sendingID, the key column, state, sentAt, seenAt, firstClick, lastClick,
// clicks, answered. Times are RFC 3339, UTC. An anonymous survey's is
// refused, as People.
func (t *Tracker) Export(ctx context.Context, id bot.CampaignID, w bot.RowWriter) error {
	c, err := t.Store.Campaign(ctx, id)
	if err != nil {
		return err
	}
	if anonymous(c) {
		return anonymousRefusal(id)
	}
	key := c.KeyColumn
	if key == "" {
		key = "key"
	}
	if err := w.WriteRow([]string{"sendingID", key, "state", "sentAt", "seenAt", "firstClick", "lastClick", "clicks", "answered"}); err != nil {
		return err
	}
	row := make([]string, 0, 9)
	return t.each(ctx, c, func(p Person) error {
		answered := strconv.FormatBool(p.Answered)
		e := p.Engagement
		row = append(row[:0], strconv.FormatUint(uint64(p.Sending.ID), 10), p.Sending.Key, string(p.Sending.State),
			stamp(p.Sending.SentAt), stamp(e.SeenAt), stamp(e.FirstClick), stamp(e.LastClick), strconv.Itoa(e.Clicks), answered)
		return w.WriteRow(row)
	})
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// pageSize is how many sendings each walks at a time.
const pageSize = 500

// each calls fn with every recipient of c, by sending, with what they
// did.
func (t *Tracker) each(ctx context.Context, c *bot.Campaign, fn func(Person) error) error {
	engaged := map[bot.SendingID]Record{}
	if err := t.Store.Engagements(ctx, c.ID, func(e *Record) error {
		engaged[e.SendingID] = *e
		return nil
	}); err != nil {
		return err
	}
	var answered map[string]bool // a survey's respondents
	if c.Survey != nil && !c.Survey.Anonymous {
		answered = map[string]bool{}
		if err := t.Store.Responses(ctx, c.ID, func(r *surveys.Response) error {
			answered[r.Respondent] = len(r.Answers) > 0
			return nil
		}); err != nil {
			return err
		}
	}
	for after := bot.SendingID(0); ; {
		page, err := t.Store.Sendings(ctx, c.ID, after, pageSize)
		if err != nil {
			return err
		}
		for _, s := range page {
			p := Person{Sending: s, Engagement: engaged[s.ID]}
			switch {
			case s.Address.IsZero() || s.SentAt.IsZero():
			case answered != nil:
				p.Answered = answered[s.Address.String()]
			case c.Survey == nil:
				if p.Answered, err = t.wroteAfter(ctx, s); err != nil {
					return err
				}
			}
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(page) < pageSize {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// wroteAfter reports whether the recipient of s wrote to herald after s
// reached them: their conversation's last message is later.
func (t *Tracker) wroteAfter(ctx context.Context, s *bot.Sending) (bool, error) {
	conv, err := t.Store.ConversationByParticipant(ctx, s.Address)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return conv.LastMessageAt.After(s.SentAt), nil
}
