package bottest

import (
	"context"
	"sort"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/engagement"
)

// memEngagement is the in-memory campaign engagement.
type memEngagement struct {
	records map[bot.CampaignID]map[bot.SendingID]engagement.Record
	counts  map[bot.CampaignID]engagement.Counts
}

func (s *Store) engagementLocked() *memEngagement {
	if s.engagement == nil {
		s.engagement = &memEngagement{records: map[bot.CampaignID]map[bot.SendingID]engagement.Record{}, counts: map[bot.CampaignID]engagement.Counts{}}
	}
	return s.engagement
}

// Engage applies fn to one sending's engagement and saves it with the
// campaign's counts, all or nothing.
func (s *Store) Engage(ctx context.Context, id bot.CampaignID, sid bot.SendingID, fn func(e *engagement.Record) error) (*engagement.Record, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	m := s.engagementLocked()
	before, ok := m.records[id][sid]
	if !ok {
		before = engagement.Record{CampaignID: id, SendingID: sid}
	}
	e := before
	if err := fn(&e); err != nil {
		return nil, err
	}
	e.CampaignID, e.SendingID = id, sid
	if m.records[id] == nil {
		m.records[id] = map[bot.SendingID]engagement.Record{}
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
func (s *Store) Engagement(ctx context.Context, id bot.CampaignID, sid bot.SendingID) (*engagement.Record, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	e, ok := s.engagementLocked().records[id][sid]
	if !ok {
		e = engagement.Record{CampaignID: id, SendingID: sid}
	}
	return &e, nil
}

// EngagementCounts returns campaign id's counts.
func (s *Store) EngagementCounts(ctx context.Context, id bot.CampaignID) (engagement.Counts, error) {
	if err := s.begin(ctx); err != nil {
		return engagement.Counts{}, err
	}
	defer s.mu.Unlock()
	return s.engagementLocked().counts[id], nil
}

// Engagements calls fn with each engagement of campaign id, by sending.
func (s *Store) Engagements(ctx context.Context, id bot.CampaignID, fn func(*engagement.Record) error) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	all := make([]engagement.Record, 0, len(s.engagementLocked().records[id]))
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

var _ engagement.RecordStore = (*Store)(nil)
