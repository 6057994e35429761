package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/engagement"
)

// Engagement is what the engagement commands need (engagement.Tracker).
type Engagement interface {
	Summary(ctx context.Context, id bot.CampaignID) (*engagement.Summary, error)
	People(ctx context.Context, id bot.CampaignID, st engagement.State, fn func(engagement.Person) error) error
	Export(ctx context.Context, id bot.CampaignID, w bot.RowWriter) error
}

func (h *handlers) engagement() (Engagement, error) {
	if h.deps.Engagement == nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "engagement is not set up on this herald")
	}
	return h.deps.Engagement, nil
}

// campaignStats answers `campaign stats ID`: the campaign's engagement,
// then for a survey its answers per question, with charts.
func (h *handlers) campaignStats(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	var head []string
	survey := true
	if en, err := h.engagement(); err == nil {
		s, err := en.Summary(ctx, id)
		if err != nil {
			return err
		}
		head, survey = h.engagementLines(s), s.Campaign.Survey != nil
	}
	if !survey {
		w.Say(bot.Message{Kind: bot.KindMessage, Text: strings.Join(head, "\n")})
		return nil
	}
	sv, err := h.surveys()
	if err != nil {
		return err
	}
	return h.surveyStats(ctx, sv, id, head, w)
}

// engagementLines writes a campaign's engagement summary.
func (h *handlers) engagementLines(s *engagement.Summary) []string {
	lines := []string{
		h.text.T(TextEngagementHead, s.Campaign.ID, s.Campaign.Name),
		h.text.T(TextEngagementCounts, s.Recipients, s.Sent, s.Seen, s.Errors, s.Answered),
	}
	if s.Tracked {
		lines = append(lines, h.text.T(TextEngagementClicks, s.Clicked, s.Clicks))
	} else {
		lines = append(lines, h.text.T(TextEngagementUntracked))
	}
	if s.Waiting+s.Skipped > 0 {
		lines = append(lines, h.text.T(TextEngagementWaiting, s.Waiting, s.Skipped))
	}
	return append(lines, "_"+h.text.T(TextEngagementSeenNote)+"_")
}

// peopleShown is how many people `campaign people` names; the export has
// them all.
const peopleShown = 50

// stateWords reads a state in French (engagement.ParseState reads it in
// English).
var stateWords = map[string]engagement.State{
	"envoyés": engagement.Sent, "envoyes": engagement.Sent, "envoyé": engagement.Sent,
	"vus": engagement.Seen, "vu": engagement.Seen,
	"cliqué": engagement.Clicked, "cliqués": engagement.Clicked, "clique": engagement.Clicked, "cliques": engagement.Clicked,
	"répondu": engagement.Answered, "repondu": engagement.Answered, "ont répondu": engagement.Answered,
	"erreurs": engagement.Errors, "erreur": engagement.Errors, "en erreur": engagement.Errors,
	"écartés": engagement.Skipped, "ecartes": engagement.Skipped, "écarté": engagement.Skipped,
	"attente": engagement.Waiting, "en attente": engagement.Waiting,
}

// stateNames are the states as replies name them.
var stateNames = map[engagement.State]TextKey{
	engagement.Sent: TextStateSent, engagement.Seen: TextStateSeen, engagement.Clicked: TextStateClicked,
	engagement.Answered: TextStateAnswered, engagement.Errors: TextStateErrors, engagement.Skipped: TextStateSkipped,
	engagement.Waiting: TextStateWaiting,
}

// campaignPeople answers `campaign people ID STATE`: who is in that state,
// the first 50 named.
func (h *handlers) campaignPeople(ctx context.Context, w *Reply, r *Request) error {
	en, err := h.engagement()
	if err != nil {
		return err
	}
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	word := strings.ToLower(strings.Join(strings.Fields(restAfter(r.Rest, 1)), " "))
	st, ok := engagement.ParseState(word)
	if !ok {
		if st, ok = stateWords[word]; !ok {
			return argErrorT(TextErrPeopleState, word)
		}
	}
	name := h.text.T(stateNames[st])
	var lines []string
	n := 0
	if err := en.People(ctx, id, st, func(p engagement.Person) error {
		n++
		if n > peopleShown {
			return nil
		}
		line := "• " + p.Sending.Key
		if !p.Sending.Address.IsZero() && p.Sending.Address.String() != p.Sending.Key {
			line += " (" + p.Sending.Address.String() + ")"
		}
		switch {
		case st == engagement.Clicked:
			line += " — " + h.text.T(TextPeopleClicks, p.Engagement.Clicks)
		case st == engagement.Errors && p.Sending.Error != "":
			line += " — " + string(p.Sending.Step) + ": " + p.Sending.Error
		case st == engagement.Skipped && p.Sending.Reason != "":
			line += " — " + p.Sending.Reason
		}
		lines = append(lines, line)
		return nil
	}); err != nil {
		return err
	}
	if n == 0 {
		w.Text(bot.KindMessage, h.text.T(TextPeopleNone, id, name))
		return nil
	}
	lines = append([]string{h.text.T(TextPeopleHead, id, name, n)}, lines...)
	if n > peopleShown {
		lines = append(lines, h.text.T(TextPeopleMore, n-peopleShown, id))
	}
	w.Text(bot.KindMessage, strings.Join(lines, "\n"))
	return nil
}

// campaignExport answers `campaign export ID answers|engagement`.
func (h *handlers) campaignExport(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	switch what := strings.ToLower(strings.TrimSpace(restAfter(r.Rest, 1))); what {
	case "answers", "réponses", "reponses":
		sv, err := h.surveys()
		if err != nil {
			return err
		}
		return h.surveyExport(ctx, sv, id, w)
	case "engagement":
		en, err := h.engagement()
		if err != nil {
			return err
		}
		data, err := h.deps.table(func(rows bot.RowWriter) error { return en.Export(ctx, id, rows) })
		if err != nil {
			return err
		}
		w.Say(bot.Message{Kind: bot.KindMessage, Text: h.text.T(TextEngagementExportReady, id),
			Files: []bot.File{{Name: fmt.Sprintf("campaign-%d-engagement.csv", id), ContentType: "text/csv", Size: int64(len(data)), Data: data}}})
		return nil
	default:
		return argErrorT(TextErrExportWhat, what)
	}
}
