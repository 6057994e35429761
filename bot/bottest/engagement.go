package bottest

import (
	"context"
	"sort"

	"github.com/heraldchat/herald/bot"
)

// memEngagement is the in-memory campaign engagement.
type memEngagement struct {
	records map[bot.CampaignID]map[bot.SendingID]bot.Engagement
	counts  map[bot.CampaignID]bot.EngagementCounts
}

func (s *Store) engagementLocked() *memEngagement {
	if s.engagement == nil {
		s.engagement = &memEngagement{records: map[bot.CampaignID]map[bot.SendingID]bot.Engagement{}, counts: map[bot.CampaignID]bot.EngagementCounts{}}
	}
	return s.engagement
}

// Engage applies fn to one sending's engagement and saves it with the
// campaign's counts, all or nothing.
func (s *Store) Engage(ctx context.Context, id bot.CampaignID, sid bot.SendingID, fn func(e *bot.Engagement) error) (*bot.Engagement, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	m := s.engagementLocked()
	before, ok := m.records[id][sid]
	if !ok {
		before = bot.Engagement{CampaignID: id, SendingID: sid}
	}
	e := before
	if err := fn(&e); err != nil {
		return nil, err
	}
	e.CampaignID, e.SendingID = id, sid
	if m.records[id] == nil {
		m.records[id] = map[bot.SendingID]bot.Engagement{}
	}
	m.records[id][sid] = e
	n := m.counts[id]
	n.Seen += one(!e.SeenAt.IsZero()) - one(!before.SeenAt.IsZero())
	n.Clicked += one(e.Clicks > 0) - one(before.Clicks > 0)
	n.Clicks += e.Clicks - before.Clicks
	m.counts[id] = n
	return &e, nil
}

func one(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Engagement returns one sending's engagement.
func (s *Store) Engagement(ctx context.Context, id bot.CampaignID, sid bot.SendingID) (*bot.Engagement, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	e, ok := s.engagementLocked().records[id][sid]
	if !ok {
		e = bot.Engagement{CampaignID: id, SendingID: sid}
	}
	return &e, nil
}

// EngagementCounts returns campaign id's counts.
func (s *Store) EngagementCounts(ctx context.Context, id bot.CampaignID) (bot.EngagementCounts, error) {
	if err := s.begin(ctx); err != nil {
		return bot.EngagementCounts{}, err
	}
	defer s.mu.Unlock()
	return s.engagementLocked().counts[id], nil
}

// Engagements calls fn with each engagement of campaign id, by sending.
func (s *Store) Engagements(ctx context.Context, id bot.CampaignID, fn func(*bot.Engagement) error) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	all := make([]bot.Engagement, 0, len(s.engagementLocked().records[id]))
	for _, e := range s.engagementLocked().records[id] {
		all = append(all, e)
	}
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].SendingID < all[j].SendingID })
	for i := range all {
		if err := fn(&all[i]); err != nil {
			return err
		}
	}
	return nil
}

var _ bot.EngagementStore = (*Store)(nil)
