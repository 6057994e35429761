package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// CampaignServiceStore is what CampaignService reads and writes.
type CampaignServiceStore interface {
	CampaignStore
	SendingStore
	ListStore
	ContactStore
}

// CampaignService is what moderators do with campaigns: create, edit while
// draft or scheduled, check, try, start, pause, resume, cancel, clone,
// delete, and read the report. The Dispatcher does the sending; the
// service tells it about every change. It is safe for concurrent use.
type CampaignService struct {
	Store      CampaignServiceStore
	Dispatcher Dispatcher
	Clock      Clock
}

// Create stores a new draft campaign.
func (s *CampaignService) Create(ctx context.Context, name string, by Actor) (*Campaign, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, Errorf(EINVALID, "a campaign needs a name: campaign new NAME")
	}
	now := s.Clock.Now().UTC()
	c := &Campaign{Name: name, State: CampaignDraft, Platform: PlatformAuto, CreatedAt: now, CreatedBy: by}
	c.Record(now, by, "created")
	if err := s.Store.CreateCampaign(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Edit applies fn to a draft or scheduled campaign and records what
// changed. It returns ECONFLICT for a campaign that has started.
func (s *CampaignService) Edit(ctx context.Context, id CampaignID, by Actor, what string, fn func(*Campaign) error) (*Campaign, error) {
	now := s.Clock.Now().UTC()
	c, err := s.Store.UpdateCampaign(ctx, id, func(c *Campaign) error {
		if !c.Editable() {
			return Errorf(ECONFLICT, "campaign %d is %s: only draft and scheduled campaigns can change (clone it to start from a copy)", c.ID, c.State)
		}
		if err := fn(c); err != nil {
			return err
		}
		c.Record(now, by, what)
		return nil
	})
	if err == nil && c.State == CampaignScheduled {
		s.Dispatcher.Notify(id)
	}
	return c, err
}

// SetMessage sets the campaign's message after checking it.
func (s *CampaignService) SetMessage(ctx context.Context, id CampaignID, m Message, by Actor) (*Campaign, error) {
	if m.Kind == "" {
		m.Kind = KindMessage
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return s.Edit(ctx, id, by, "message changed", func(c *Campaign) error { c.Message = m; return nil })
}

// SetAudience sets who the campaign goes to, after checking the list
// exists or the platform is one.
func (s *CampaignService) SetAudience(ctx context.Context, id CampaignID, a Audience, by Actor) (*Campaign, error) {
	switch a.Kind {
	case AudienceList:
		if _, err := s.Store.List(ctx, a.List); err != nil {
			return nil, err
		}
	case AudiencePlatform:
		if !a.Platform.Valid() {
			return nil, Errorf(EINVALID, "%q is not a platform", a.Platform)
		}
	default:
		return nil, Errorf(EINVALID, "an audience is list:NAME or all:PLATFORM")
	}
	return s.Edit(ctx, id, by, "audience "+a.String(), func(c *Campaign) error {
		c.Audience = a
		if a.Kind == AudiencePlatform {
			c.Platform = a.Platform
		}
		return nil
	})
}

// String renders the audience as moderators type it.
func (a Audience) String() string {
	switch a.Kind {
	case AudienceList:
		return "list:" + a.List
	case AudiencePlatform:
		return "all:" + string(a.Platform)
	}
	return "none"
}

// SetPlatform chooses the platform the campaign sends on, or PlatformAuto.
func (s *CampaignService) SetPlatform(ctx context.Context, id CampaignID, p Platform, by Actor) (*Campaign, error) {
	if p != PlatformAuto && !p.Valid() {
		return nil, Errorf(EINVALID, "%q is not a platform: use slack, discord, telegram, teams, web, email or auto", p)
	}
	return s.Edit(ctx, id, by, "platform "+string(p), func(c *Campaign) error { c.Platform = p; return nil })
}

// SetSchedule sets when and how the campaign sends, after checking it.
func (s *CampaignService) SetSchedule(ctx context.Context, id CampaignID, sc Schedule, by Actor) (*Campaign, error) {
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	return s.Edit(ctx, id, by, "schedule changed", func(c *Campaign) error {
		seed := c.Schedule.Seed
		c.Schedule = sc
		if c.Schedule.Seed == 0 {
			c.Schedule.Seed = seed
		}
		return nil
	})
}

// SetMissing sets what happens to recipients lacking an attribute: a
// default value per attribute, and whether to skip those still lacking.
func (s *CampaignService) SetMissing(ctx context.Context, id CampaignID, defaults map[string]string, policy MissingPolicy, by Actor) (*Campaign, error) {
	if policy != MissingRefuse && policy != MissingSkip {
		return nil, Errorf(EINVALID, "unknown policy %q: use skip, or give default values", policy)
	}
	return s.Edit(ctx, id, by, "missing values policy changed", func(c *Campaign) error {
		if c.Defaults == nil {
			c.Defaults = map[string]string{}
		}
		for k, v := range defaults {
			c.Defaults[k] = v
		}
		c.Missing = policy
		return nil
	})
}

// Lacking is a recipient lacking values the message needs.
type Lacking struct {
	Key     string   `json:"key"`
	Missing []string `json:"missing"`
}

// CampaignCheck is what Check finds before a start.
type CampaignCheck struct {
	Audience int       `json:"audience"`
	Lacking  []Lacking `json:"lacking"` // the first MaxLacking
	// LackingTotal counts every recipient lacking a value.
	LackingTotal int `json:"lacking_total"`
}

// MaxLacking bounds the recipients a check lists.
const MaxLacking = 100

// Check returns the audience size and the recipients lacking a value the
// message uses (after defaults), so that the moderator chooses: defaults,
// skip them, or fix the list.
func (s *CampaignService) Check(ctx context.Context, id CampaignID) (*CampaignCheck, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	size, err := AudienceSize(ctx, s.Store, s.Store, c.Audience)
	if err != nil {
		return nil, err
	}
	chk := &CampaignCheck{Audience: size, Lacking: []Lacking{}}
	attrs := MessageAttrs(c.Message)
	if len(attrs) == 0 {
		return chk, nil
	}
	if c.KeyColumn, err = AudienceKeyColumn(ctx, s.Store, c); err != nil {
		return nil, err
	}
	_, err = EachRecipient(ctx, s.Store, s.Store, c, 0, func(batch []*Sending) error {
		for _, sd := range batch {
			if missing := MissingValues(c, sd, attrs); len(missing) > 0 {
				chk.LackingTotal++
				if len(chk.Lacking) < MaxLacking {
					chk.Lacking = append(chk.Lacking, Lacking{Key: sd.Key, Missing: missing})
				}
			}
		}
		return nil
	})
	return chk, err
}

// Start schedules the campaign (now, or at its start time), after checking
// the message, the audience, the schedule and the missing values. It
// returns EINVALID naming what to fix.
func (s *CampaignService) Start(ctx context.Context, id CampaignID, by Actor) (*Campaign, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.State != CampaignDraft {
		return nil, Errorf(ECONFLICT, "campaign %d is %s, not a draft", id, c.State)
	}
	if err := c.Message.Validate(); err != nil {
		return nil, Errorf(EINVALID, "campaign %d has no message to send yet: %s", id, ErrorMessage(err))
	}
	if err := c.Schedule.Validate(); err != nil {
		return nil, err
	}
	if c.Platform != PlatformAuto && c.Platform != "" {
		if !s.Dispatcher.Connected(c.Platform) {
			return nil, Errorf(EINVALID, "%s is not connected to herald: enable it in the config, or choose another platform", c.Platform)
		}
	}
	chk, err := s.Check(ctx, id)
	if err != nil {
		return nil, err
	}
	if chk.Audience == 0 {
		return nil, Errorf(EINVALID, "campaign %d has nobody to send to: its audience %s is empty", id, c.Audience)
	}
	if chk.LackingTotal > 0 && c.Missing != MissingSkip {
		return nil, Errorf(EINVALID, "%d recipients lack %s (for example %s): give a default value, choose to skip them, or fix the list",
			chk.LackingTotal, strings.Join(chk.Lacking[0].Missing, ", "), chk.Lacking[0].Key)
	}
	now := s.Clock.Now().UTC()
	c, err = s.Store.UpdateCampaign(ctx, id, func(c *Campaign) error {
		if c.Schedule.Window > 0 && c.Schedule.Seed == 0 {
			c.Schedule.Seed = rand.Int64()
		}
		if c.Schedule.StartAt.IsZero() {
			c.Schedule.StartAt = now
		}
		return c.Transition(CampaignScheduled, now, by)
	})
	if err != nil {
		return nil, err
	}
	s.Dispatcher.Notify(id)
	return c, nil
}

// transition moves a campaign and tells the engine.
func (s *CampaignService) transition(ctx context.Context, id CampaignID, to CampaignState, by Actor) (*Campaign, error) {
	now := s.Clock.Now().UTC()
	c, err := s.Store.UpdateCampaign(ctx, id, func(c *Campaign) error {
		if c.State == CampaignScheduled && to == CampaignPaused {
			return Errorf(ECONFLICT, "campaign %d has not started: cancel it, or edit it while it waits", id)
		}
		return c.Transition(to, now, by)
	})
	if err != nil {
		return nil, err
	}
	s.Dispatcher.Notify(id)
	return c, nil
}

// Pause stops sending until Resume; sends in progress finish.
func (s *CampaignService) Pause(ctx context.Context, id CampaignID, by Actor) (*Campaign, error) {
	return s.transition(ctx, id, CampaignPaused, by)
}

// Resume continues a paused campaign.
func (s *CampaignService) Resume(ctx context.Context, id CampaignID, by Actor) (*Campaign, error) {
	return s.transition(ctx, id, CampaignRunning, by)
}

// Cancel stops the campaign for good: what was sent stays in the report,
// the rest is marked skipped.
func (s *CampaignService) Cancel(ctx context.Context, id CampaignID, by Actor) (*Campaign, error) {
	return s.transition(ctx, id, CampaignCancelled, by)
}

// Unschedule takes a scheduled campaign back to draft.
func (s *CampaignService) Unschedule(ctx context.Context, id CampaignID, by Actor) (*Campaign, error) {
	return s.transition(ctx, id, CampaignDraft, by)
}

// Clone makes a new draft with the campaign's message, audience, platform,
// schedule (without its start time) and missing-value choices.
func (s *CampaignService) Clone(ctx context.Context, id CampaignID, by Actor) (*Campaign, error) {
	src, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	c := &Campaign{
		Name: src.Name + " (copy)", Message: src.Message, Audience: src.Audience, Platform: src.Platform,
		Schedule: src.Schedule, Defaults: src.Defaults, Missing: src.Missing,
		State: CampaignDraft, CreatedAt: now, CreatedBy: by,
	}
	c.Schedule.StartAt, c.Schedule.Seed = time.Time{}, 0
	c.Record(now, by, fmt.Sprintf("cloned from campaign %d", id))
	if err := s.Store.CreateCampaign(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Delete removes a draft.
func (s *CampaignService) Delete(ctx context.Context, id CampaignID) error {
	return s.Store.DeleteCampaign(ctx, id)
}

// Show returns the campaign and its counters.
func (s *CampaignService) Show(ctx context.Context, id CampaignID) (*Campaign, SendingCounts, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, SendingCounts{}, err
	}
	counts, err := s.Store.SendingCounts(ctx, id)
	return c, counts, err
}

// recipientFor finds the audience row for key (compared as keys are), or
// the first row when key is empty.
func (s *CampaignService) recipientFor(ctx context.Context, c *Campaign, key string) (*Sending, error) {
	var found *Sending
	var err error
	if c.KeyColumn, err = AudienceKeyColumn(ctx, s.Store, c); err != nil {
		return nil, err
	}
	want := NormalizeKey(c.KeyColumn, key)
	stop := Errorf(ECONFLICT, "found")
	_, err = EachRecipient(ctx, s.Store, s.Store, c, 0, func(batch []*Sending) error {
		for _, sd := range batch {
			if key == "" || NormalizeKey(c.KeyColumn, sd.Key) == want {
				found = sd
				return stop
			}
		}
		return nil
	})
	if err != nil && err != stop {
		return nil, err
	}
	if found == nil {
		return nil, Errorf(ENOTFOUND, "%s is not in the audience of campaign %d", key, c.ID)
	}
	return found, nil
}

// Preview returns the message as the recipient with this key would get it
// (the first recipient when key is empty).
func (s *CampaignService) Preview(ctx context.Context, id CampaignID, key string) (Message, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return Message{}, err
	}
	r, err := s.recipientFor(ctx, c, key)
	if err != nil {
		return Message{}, err
	}
	loc, _ := c.Schedule.Location()
	if loc == nil {
		loc = time.UTC
	}
	return Personalize(c.Message, NewVars(c.KeyColumn, r.Key, r.Attributes, c.Defaults, s.Clock.Now().In(loc)))
}

// TryResult says what happened to a try.
type TryResult struct {
	Delivered bool       `json:"delivered"`
	To        Address    `json:"to"`
	Message   MessageRef `json:"message,omitzero"`
	// Reason says why it was not delivered, and Step where.
	Reason string `json:"reason,omitempty"`
	Step   Step   `json:"step,omitempty"`
}

// Try sends the campaign's message to one address now, outside the report:
// personalised with that person's row when they are in the audience (an
// email, or a platform id), with the first row's values otherwise. The
// result says whether it was delivered, or why not; an error means the try
// could not be made at all.
func (s *CampaignService) Try(ctx context.Context, id CampaignID, to Address) (*TryResult, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := c.Message.Validate(); err != nil {
		return nil, Errorf(EINVALID, "campaign %d has no message to try yet: %s", id, ErrorMessage(err))
	}
	r, err := s.recipientFor(ctx, c, to.ID)
	if ErrorCode(err) == ENOTFOUND {
		r, err = s.recipientFor(ctx, c, "")
	}
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	var attrs map[string]string
	if r != nil {
		attrs = r.Attributes
	}
	return s.Dispatcher.Try(ctx, c, to, attrs)
}

// Report writes the campaign's per-recipient report to w: sendingID, the
// key column named as in the list, success, respondentInfo (the
// attributes as JSON), and, when any sending did not succeed or was sent
// again after a crash, failedStep and errorMessage. Rows follow the
// sendings' order.
func (s *CampaignService) Report(ctx context.Context, id CampaignID, w RowWriter) error {
	c, counts, err := s.Show(ctx, id)
	if err != nil {
		return err
	}
	detail := counts.Sent != counts.Total
	if !detail {
		if err := s.eachSending(ctx, id, func(sd *Sending) error {
			if sd.Resent {
				detail = true
			}
			return nil
		}); err != nil {
			return err
		}
	}
	key := c.KeyColumn
	if key == "" {
		key = "key"
	}
	header := []string{"sendingID", key, "success", "respondentInfo"}
	if detail {
		header = append(header, "failedStep", "errorMessage")
	}
	if err := w.WriteRow(header); err != nil {
		return err
	}
	row := make([]string, 0, len(header))
	return s.eachSending(ctx, id, func(sd *Sending) error {
		info := []byte("{}")
		if len(sd.Attributes) > 0 {
			info, _ = json.Marshal(sd.Attributes)
		}
		row = append(row[:0], itoa(int(sd.ID)), sd.Key, fmt.Sprint(sd.State == SendingSent), string(info))
		if detail {
			step, msg := reportOutcome(sd)
			row = append(row, step, msg)
		}
		return w.WriteRow(row)
	})
}

func reportOutcome(sd *Sending) (step, msg string) {
	switch sd.State {
	case SendingSent:
		if sd.Resent {
			return "", "sent again after a restart: it may have arrived twice"
		}
		return "", ""
	case SendingFailed:
		return string(sd.Step), sd.Error
	case SendingSkipped:
		return string(sd.Step), "skipped: " + sd.Reason
	}
	return "", "not sent yet (" + string(sd.State) + ")"
}

func (s *CampaignService) eachSending(ctx context.Context, id CampaignID, fn func(*Sending) error) error {
	for after := SendingID(0); ; {
		page, err := s.Store.Sendings(ctx, id, after, 5000)
		if err != nil || len(page) == 0 {
			return err
		}
		for _, sd := range page {
			if err := fn(sd); err != nil {
				return err
			}
		}
		after = page[len(page)-1].ID
	}
}

// SetAudienceFile makes an uploaded recipient file the campaign's audience:
// its valid rows become the list campaign-ID (replaced if the file is sent
// again), which the campaign then targets. The import result says what was
// read and what was refused.
func (s *CampaignService) SetAudienceFile(ctx context.Context, id CampaignID, r RecipientReader, by Actor) (*ImportResult, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if !c.Editable() {
		return nil, Errorf(ECONFLICT, "campaign %d is %s: only draft and scheduled campaigns can change", id, c.State)
	}
	name := fmt.Sprintf("campaign-%d", id)
	res, err := (&ListService{Store: s.Store}).Import(ctx, name, r, ImportReplace, by)
	if err != nil {
		return nil, err
	}
	if _, err := s.SetAudience(ctx, id, Audience{Kind: AudienceList, List: name}, by); err != nil {
		return nil, err
	}
	return res, nil
}

// List returns the campaigns matching f, newest first.
func (s *CampaignService) List(ctx context.Context, f CampaignFilter) ([]*Campaign, error) {
	return s.Store.Campaigns(ctx, f)
}

func itoa(n int) string { return strconv.Itoa(n) }
