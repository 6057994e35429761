package bottest

import (
	"context"
	"sort"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/surveys"
)

// memSurveys is the in-memory survey responses.
type memSurveys struct {
	responses map[bot.CampaignID]map[string][]byte      // by respondent
	asking    map[bot.Address]map[bot.CampaignID]uint64 // when each survey asked, in order
	tallies   map[bot.CampaignID][]byte
}

func (s *Store) surveysLocked() *memSurveys {
	if s.surveys == nil {
		s.surveys = &memSurveys{responses: map[bot.CampaignID]map[string][]byte{}, asking: map[bot.Address]map[bot.CampaignID]uint64{}, tallies: map[bot.CampaignID][]byte{}}
	}
	return s.surveys
}

// Respond applies fn to a response and saves it, with its posts and the
// participant's text-question mark, all or nothing.
func (s *Store) Respond(ctx context.Context, id bot.CampaignID, respondent string, participant bot.Address, fn func(r *surveys.Response) (surveys.Step, error)) (*surveys.Response, error) {
	if respondent == "" {
		return nil, bot.Errorf(bot.EINVALID, "a survey response needs a respondent")
	}
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	m := s.surveysLocked()
	var r *surveys.Response
	if b, ok := m.responses[id][respondent]; ok {
		r = dec[surveys.Response](b)
	} else {
		r = &surveys.Response{CampaignID: id, Respondent: respondent, StartedAt: s.now()}
	}
	if r.Answers == nil {
		r.Answers = map[int]surveys.Answer{}
	}
	step, err := fn(r)
	if err != nil {
		return nil, err
	}
	if step.Copy != nil && step.Copy.Channel.IsZero() {
		return nil, bot.Errorf(bot.EINVALID, "a post needs a channel")
	}
	if err := s.enqueue(step.Posts); err != nil {
		return nil, err
	}
	if step.Copy != nil {
		s.appendPost(step.Copy)
	}
	if step.Tally != nil {
		t := &surveys.Tally{}
		if b, ok := m.tallies[id]; ok {
			t = dec[surveys.Tally](b)
		}
		step.Tally(t)
		m.tallies[id] = enc(t)
	}
	r.UpdatedAt = s.now()
	if m.responses[id] == nil {
		m.responses[id] = map[string][]byte{}
	}
	m.responses[id][respondent] = enc(r)
	if !participant.IsZero() {
		if step.AskingText {
			if m.asking[participant] == nil {
				m.asking[participant] = map[bot.CampaignID]uint64{}
			}
			m.asking[participant][id] = s.next("survey_asking")
		} else {
			delete(m.asking[participant], id)
		}
	}
	return dec[surveys.Response](enc(r)), nil
}

// Responses calls fn with each response to survey id, by respondent.
func (s *Store) Responses(ctx context.Context, id bot.CampaignID, fn func(*surveys.Response) error) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	m := s.surveysLocked()
	keys := make([]string, 0, len(m.responses[id]))
	for k := range m.responses[id] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	all := make([]*surveys.Response, len(keys))
	for i, k := range keys {
		all[i] = dec[surveys.Response](m.responses[id][k])
	}
	s.mu.Unlock()
	for _, r := range all {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// AskingText returns the survey whose text question participant is
// asked, 0 when none.
func (s *Store) AskingText(ctx context.Context, participant bot.Address) (bot.CampaignID, error) {
	if err := s.begin(ctx); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	var id bot.CampaignID
	var newest uint64
	for c, at := range s.surveysLocked().asking[participant] {
		if at >= newest {
			id, newest = c, at
		}
	}
	return id, nil
}

// SurveyTally returns survey id's running counts.
func (s *Store) SurveyTally(ctx context.Context, id bot.CampaignID) (*surveys.Tally, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if b, ok := s.surveysLocked().tallies[id]; ok {
		return dec[surveys.Tally](b), nil
	}
	return &surveys.Tally{}, nil
}

var _ surveys.Store = (*Store)(nil)
