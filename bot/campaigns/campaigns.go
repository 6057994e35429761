package campaigns

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/audience"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/lifecycle"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/bot/nudges"
	"github.com/heraldchat/herald/bot/personalize"
	"github.com/heraldchat/herald/bot/schedule"
)

// Store is what Service reads and writes.
type Store interface {
	bot.CampaignStore
	bot.SendingStore
	bot.ListStore
	bot.ContactStore
	// LastEventSeq returns the Seq of the last event recorded: a nudge
	// enabled now fires on the events after it.
	LastEventSeq(ctx context.Context) (uint64, error)
}

// Service is what moderators do with campaigns: create, edit while
// draft or scheduled, check, try, start, pause, resume, cancel, clone,
// delete, and read the report. The Dispatcher does the sending; the
// service tells it about every change. It is safe for concurrent use.
type Service struct {
	Store      Store
	Dispatcher Dispatcher
	Clock      clock.Clock
	// Compose, when set, is the message a campaign sends, as the
	// engine's (a survey's opening): Preview shows it.
	Compose func(c *bot.Campaign) bot.Message
}

// Create stores a new draft campaign.
func (s *Service) Create(ctx context.Context, name string, by bot.Actor) (*bot.Campaign, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, bot.Errorf(bot.EINVALID, "a campaign needs a name: campaign new NAME").Translated("err.campaign.name")
	}
	now := s.Clock.Now().UTC()
	c := &bot.Campaign{Name: name, State: bot.CampaignDraft, Platform: bot.PlatformAuto, CreatedAt: now, CreatedBy: by}
	lifecycle.Record(c, now, by, lifecycle.Note("created", lifecycle.KeyCreated))
	if err := s.Store.CreateCampaign(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// CreateNudge stores a new draft nudge: a campaign whose sendings its
// trigger makes, one contact at a time (SetNudge gives its rule).
func (s *Service) CreateNudge(ctx context.Context, name string, by bot.Actor) (*bot.Campaign, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, bot.Errorf(bot.EINVALID, "a nudge needs a name: nudge new NAME").Translated("err.nudge.name")
	}
	now := s.Clock.Now().UTC()
	c := &bot.Campaign{Name: name, State: bot.CampaignDraft, Platform: bot.PlatformAuto, CreatedAt: now, CreatedBy: by,
		Nudge: &bot.Nudge{}, KeyColumn: nudges.KeyColumn}
	lifecycle.Record(c, now, by, lifecycle.Note("created", lifecycle.KeyCreated))
	if err := s.Store.CreateCampaign(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Edit applies fn to a draft or scheduled campaign and records what
// changed. It returns ECONFLICT for a campaign that has started.
func (s *Service) Edit(ctx context.Context, id bot.CampaignID, by bot.Actor, what bot.Change, fn func(*bot.Campaign) error) (*bot.Campaign, error) {
	now := s.Clock.Now().UTC()
	c, err := s.Store.UpdateCampaign(ctx, id, func(c *bot.Campaign) error {
		if !lifecycle.Editable(c) {
			return bot.Errorf(bot.ECONFLICT, "campaign %d is %s: only draft and scheduled campaigns can change (clone it to start from a copy)", c.ID, c.State).Translated("err.campaign.frozen_clone", c.ID, c.State)
		}
		if err := fn(c); err != nil {
			return err
		}
		lifecycle.Record(c, now, by, what)
		return nil
	})
	if err == nil && (c.State == bot.CampaignScheduled || c.Nudge != nil && c.State != bot.CampaignDraft) {
		s.Dispatcher.Notify(id)
	}
	return c, err
}

// SetNudge makes the campaign a nudge with rule n, after checking it. A
// nudge that runs takes the new rule for the events to come; what it has
// scheduled keeps its due time.
func (s *Service) SetNudge(ctx context.Context, id bot.CampaignID, n bot.Nudge, by bot.Actor) (*bot.Campaign, error) {
	if err := nudges.Validate(&n); err != nil {
		return nil, err
	}
	if p := n.CopyTo.Platform; p != "" && !s.Dispatcher.Connected(p) {
		return nil, bot.Errorf(bot.EINVALID, "%s is not connected to herald: a copy goes to a moderator or a channel on a platform herald uses", p).Translated("err.nudge.copy_platform", p)
	}
	return s.Edit(ctx, id, by, lifecycle.Note("nudge rule changed", lifecycle.KeyNudge), func(c *bot.Campaign) error {
		if c.Nudge == nil && c.Audience.Kind != "" {
			return bot.Errorf(bot.ECONFLICT, "campaign %d has an audience: a nudge goes to whoever its trigger happens to; make a new one with nudge new", c.ID)
		}
		n.Since = 0
		if c.Nudge != nil {
			n.Since = c.Nudge.Since
		}
		c.Nudge = &n
		if c.KeyColumn == "" {
			c.KeyColumn = nudges.KeyColumn
		}
		return nil
	})
}

// SetMessage sets the campaign's message after checking it.
func (s *Service) SetMessage(ctx context.Context, id bot.CampaignID, m bot.Message, by bot.Actor) (*bot.Campaign, error) {
	if m.Kind == "" {
		m.Kind = bot.KindMessage
	}
	if err := m.ValidateCampaign(); err != nil {
		return nil, err
	}
	return s.Edit(ctx, id, by, lifecycle.Note("message changed", lifecycle.KeyMessage), func(c *bot.Campaign) error { c.Message = m; return nil })
}

// SetAudience sets who the campaign goes to, after checking the list
// exists or the platform is one.
func (s *Service) SetAudience(ctx context.Context, id bot.CampaignID, a bot.Audience, by bot.Actor) (*bot.Campaign, error) {
	switch a.Kind {
	case bot.AudienceList:
		if _, err := s.Store.List(ctx, a.List); err != nil {
			return nil, err
		}
	case bot.AudiencePlatform:
		if !a.Platform.Valid() {
			return nil, bot.Errorf(bot.EINVALID, "%q is not a platform", a.Platform)
		}
	default:
		return nil, bot.Errorf(bot.EINVALID, "an audience is list:NAME or all:PLATFORM").Translated("err.campaign.audience")
	}
	return s.Edit(ctx, id, by, lifecycle.Note("audience "+a.String(), lifecycle.KeyAudience, a.String()), func(c *bot.Campaign) error {
		c.Audience = a
		if a.Kind == bot.AudiencePlatform {
			c.Platform = a.Platform
		}
		return nil
	})
}

// SetPlatform chooses the platform the campaign sends on, or PlatformAuto.
func (s *Service) SetPlatform(ctx context.Context, id bot.CampaignID, p bot.Platform, by bot.Actor) (*bot.Campaign, error) {
	if p != bot.PlatformAuto && !p.Valid() {
		return nil, bot.Errorf(bot.EINVALID, "%q is not a platform: use slack, discord, telegram, teams, web, email or auto", p).Translated("err.campaign.platform", p)
	}
	return s.Edit(ctx, id, by, lifecycle.Note("platform "+string(p), lifecycle.KeyPlatform, string(p)), func(c *bot.Campaign) error { c.Platform = p; return nil })
}

// SetSchedule sets when and how the campaign sends, after checking it.
func (s *Service) SetSchedule(ctx context.Context, id bot.CampaignID, sc bot.Schedule, by bot.Actor) (*bot.Campaign, error) {
	if err := schedule.Validate(sc); err != nil {
		return nil, err
	}
	return s.Edit(ctx, id, by, lifecycle.Note("schedule changed", lifecycle.KeySchedule), func(c *bot.Campaign) error {
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
func (s *Service) SetMissing(ctx context.Context, id bot.CampaignID, defaults map[string]string, policy bot.MissingPolicy, by bot.Actor) (*bot.Campaign, error) {
	if policy != bot.MissingRefuse && policy != bot.MissingSkip {
		return nil, bot.Errorf(bot.EINVALID, "unknown policy %q: use skip, or give default values", policy).Translated("err.campaign.policy", policy)
	}
	return s.Edit(ctx, id, by, lifecycle.Note("missing values policy changed", lifecycle.KeyMissing), func(c *bot.Campaign) error {
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

// Check is what Check finds before a start.
type Check struct {
	Audience int       `json:"audience"`
	Lacking  []Lacking `json:"lacking"` // the first maxLacking
	// LackingTotal counts every recipient lacking a value, LackingBy
	// those lacking each placeholder (as the message writes it).
	LackingTotal int            `json:"lacking_total"`
	LackingBy    map[string]int `json:"lacking_by"`
}

// LackingSummary names each placeholder some recipients lack, with how
// many, in the order the message uses them: "{{first_name}} (2), {{city}}
// (3)".
func (chk *Check) LackingSummary(m bot.Message) string {
	var parts []string
	for _, p := range personalize.Placeholders(m) {
		if n := chk.LackingBy[p.Written]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s (%d)", p.Written, n))
		}
	}
	return strings.Join(parts, ", ")
}

// maxLacking bounds the recipients a check lists.
const maxLacking = 100

// Check returns the audience size and the recipients lacking a value the
// message uses (after defaults), so that the moderator chooses: defaults,
// skip them, or fix the list.
func (s *Service) Check(ctx context.Context, id bot.CampaignID) (*Check, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	size, err := audienceSize(ctx, s.Store, s.Store, c.Audience)
	if err != nil {
		return nil, err
	}
	chk := &Check{Audience: size, Lacking: []Lacking{}, LackingBy: map[string]int{}}
	ph := personalize.Placeholders(c.Message)
	if len(ph) == 0 {
		return chk, nil
	}
	attrs := personalize.Attrs(c.Message)
	if c.KeyColumn, err = audience.KeyColumn(ctx, s.Store, c); err != nil {
		return nil, err
	}
	if nobodyLacks(ctx, s.Store, c, attrs) {
		return chk, nil // known from the list's counts, without reading its rows
	}
	_, err = audience.Each(ctx, s.Store, s.Store, c, 0, func(batch []*bot.Sending) error {
		for _, sd := range batch {
			if missing := personalize.Missing(c, sd, ph); len(missing) > 0 {
				chk.LackingTotal++
				for _, m := range missing {
					chk.LackingBy[m]++
				}
				if len(chk.Lacking) < maxLacking {
					chk.Lacking = append(chk.Lacking, Lacking{Key: sd.Key, Missing: missing})
				}
			}
		}
		return nil
	})
	return chk, err
}

// nobodyLacks reports whether every recipient of c's list has a value for
// each of attrs that the key or a default does not give, from the list's
// filled counts (kept at import). false means: read the rows to know.
func nobodyLacks(ctx context.Context, lists bot.ListStore, c *bot.Campaign, attrs []string) bool {
	if c.Audience.Kind != bot.AudienceList {
		return false
	}
	l, err := lists.List(ctx, c.Audience.List)
	if err != nil || l.Filled == nil {
		return false
	}
	for _, a := range personalize.RowOnly(c.KeyColumn, c.Defaults, attrs) {
		filled := 0
		for col, n := range l.Filled {
			if personalize.Canonical(col) == a {
				filled = max(filled, n)
			}
		}
		if filled < l.Size {
			return false
		}
	}
	return true
}

// Start schedules the campaign (now, or at its start time), after checking
// the message, the audience, the schedule and the missing values. It
// returns EINVALID naming what to fix.
func (s *Service) Start(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.State != bot.CampaignDraft {
		return nil, bot.Errorf(bot.ECONFLICT, "campaign %d is %s, not a draft", id, c.State).Translated("err.campaign.not_draft", id, c.State)
	}
	if c.Nudge != nil {
		return s.enable(ctx, c, by)
	}
	if err := c.Message.ValidateCampaign(); err != nil {
		return nil, bot.Errorf(bot.EINVALID, "campaign %d has no message to send yet: %s", id, bot.ErrorMessage(err))
	}
	if err := schedule.Validate(c.Schedule); err != nil {
		return nil, err
	}
	if c.Platform != bot.PlatformAuto && c.Platform != "" {
		if !s.Dispatcher.Connected(c.Platform) {
			return nil, bot.Errorf(bot.EINVALID, "%s is not connected to herald: enable it in the config, or choose another platform", c.Platform).Translated("err.campaign.not_connected", c.Platform)
		}
	}
	chk, err := s.Check(ctx, id)
	if err != nil {
		return nil, err
	}
	if chk.Audience == 0 {
		return nil, bot.Errorf(bot.EINVALID, "campaign %d has nobody to send to: its audience %s is empty", id, c.Audience).Translated("err.campaign.empty", id, c.Audience)
	}
	if chk.LackingTotal > 0 && c.Missing != bot.MissingSkip {
		who := fmt.Sprintf("%d recipients lack", chk.LackingTotal)
		if chk.LackingTotal == 1 {
			who = "1 recipient lacks"
		}
		return nil, bot.Errorf(bot.EINVALID, "%s %s (for example %s lacks %s): give a default value, choose to skip them, or fix the list",
			who, chk.LackingSummary(c.Message), chk.Lacking[0].Key, strings.Join(chk.Lacking[0].Missing, ", ")).
			Translated("err.campaign.lacking", chk.LackingTotal, chk.LackingSummary(c.Message), chk.Lacking[0].Key, strings.Join(chk.Lacking[0].Missing, ", "))
	}
	return s.schedule(ctx, id, by)
}

// schedule moves a draft checked by Start to scheduled and tells the
// engine.
func (s *Service) schedule(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error) {
	now := s.Clock.Now().UTC()
	c, err := s.Store.UpdateCampaign(ctx, id, func(c *bot.Campaign) error {
		if c.Schedule.Window > 0 && c.Schedule.Seed == 0 {
			c.Schedule.Seed = rand.Int64()
		}
		if c.Schedule.StartAt.IsZero() {
			c.Schedule.StartAt = now
		}
		return lifecycle.Transition(c, bot.CampaignScheduled, now, by)
	})
	if err != nil {
		return nil, err
	}
	s.Dispatcher.Notify(id)
	return c, nil
}

// transition moves a campaign and tells the engine.
func (s *Service) transition(ctx context.Context, id bot.CampaignID, to bot.CampaignState, by bot.Actor) (*bot.Campaign, error) {
	now := s.Clock.Now().UTC()
	c, err := s.Store.UpdateCampaign(ctx, id, func(c *bot.Campaign) error {
		if c.State == bot.CampaignScheduled && to == bot.CampaignPaused {
			return bot.Errorf(bot.ECONFLICT, "campaign %d has not started: cancel it, or edit it while it waits", id).Translated("err.campaign.not_started", id)
		}
		return lifecycle.Transition(c, to, now, by)
	})
	if err != nil {
		return nil, err
	}
	s.Dispatcher.Notify(id)
	return c, nil
}

// Pause stops sending until Resume; sends in progress finish.
func (s *Service) Pause(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error) {
	return s.transition(ctx, id, bot.CampaignPaused, by)
}

// Resume continues a paused campaign. A nudge resumed fires on the
// events from now on, not on those recorded while it was paused.
func (s *Service) Resume(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error) {
	since, err := s.Store.LastEventSeq(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	c, err := s.Store.UpdateCampaign(ctx, id, func(c *bot.Campaign) error {
		if c.Nudge != nil && c.State == bot.CampaignPaused {
			c.Nudge.Since = since
		}
		return lifecycle.Transition(c, bot.CampaignRunning, now, by)
	})
	if err != nil {
		return nil, err
	}
	s.Dispatcher.Notify(id)
	return c, nil
}

// enable runs nudge c, a draft, after checking its rule and message: it
// fires on the events recorded from now on.
func (s *Service) enable(ctx context.Context, c *bot.Campaign, by bot.Actor) (*bot.Campaign, error) {
	if c.Nudge.Trigger == "" {
		return nil, bot.Errorf(bot.ECONFLICT, "nudge %d has no rule yet: `nudge when %d signed_up in 3 days at 9h`", c.ID, c.ID).Translated("err.nudge.no_rule", c.ID, c.ID)
	}
	if err := nudges.Validate(c.Nudge); err != nil {
		return nil, err
	}
	if err := c.Message.ValidateCampaign(); err != nil {
		return nil, bot.Errorf(bot.ECONFLICT, "nudge %d has no message yet: `nudge message %d TEXT`", c.ID, c.ID).Translated("err.nudge.no_message", c.ID, c.ID)
	}
	if err := schedule.Validate(c.Schedule); err != nil {
		return nil, err
	}
	since, err := s.Store.LastEventSeq(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	c, err = s.Store.UpdateCampaign(ctx, c.ID, func(c *bot.Campaign) error {
		if c.Nudge == nil {
			return bot.Errorf(bot.ECONFLICT, "campaign %d is not a nudge", c.ID)
		}
		if err := lifecycle.Transition(c, bot.CampaignScheduled, now, by); err != nil {
			return err
		}
		c.Nudge.Since, c.KeyColumn, c.StartedAt = since, nudges.KeyColumn, now
		return lifecycle.Transition(c, bot.CampaignRunning, now, by)
	})
	if err != nil {
		return nil, err
	}
	s.Dispatcher.Notify(c.ID)
	return c, nil
}

// Cancel stops the campaign for good: what was sent stays in the report,
// the rest is marked skipped.
func (s *Service) Cancel(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error) {
	return s.transition(ctx, id, bot.CampaignCancelled, by)
}

// Unschedule takes a scheduled campaign back to draft.
func (s *Service) Unschedule(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error) {
	return s.transition(ctx, id, bot.CampaignDraft, by)
}

// Clone makes a new draft with the campaign's message, audience, platform,
// schedule (without its start time) and missing-value choices.
func (s *Service) Clone(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error) {
	src, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	c := &bot.Campaign{
		Name: src.Name + " (copy)", Message: src.Message, Audience: src.Audience, Platform: src.Platform,
		Schedule: src.Schedule, Defaults: src.Defaults, Missing: src.Missing,
		State: bot.CampaignDraft, CreatedAt: now, CreatedBy: by,
	}
	if src.Nudge != nil {
		n := *src.Nudge
		n.Since = 0
		c.Nudge, c.KeyColumn = &n, nudges.KeyColumn
	}
	c.Schedule.StartAt, c.Schedule.Seed = time.Time{}, 0
	lifecycle.Record(c, now, by, lifecycle.Note(fmt.Sprintf("cloned from campaign %d", id), lifecycle.KeyCloned, fmt.Sprint(id)))
	if err := s.Store.CreateCampaign(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Delete removes a draft.
func (s *Service) Delete(ctx context.Context, id bot.CampaignID) error {
	return s.Store.DeleteCampaign(ctx, id)
}

// Show returns the campaign and its counters.
func (s *Service) Show(ctx context.Context, id bot.CampaignID) (*bot.Campaign, bot.SendingCounts, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, bot.SendingCounts{}, err
	}
	counts, err := s.Store.SendingCounts(ctx, id)
	return c, counts, err
}

// recipientFor finds the audience row for key (compared as keys are), or
// the first row when key is empty.
func (s *Service) recipientFor(ctx context.Context, c *bot.Campaign, key string) (*bot.Sending, error) {
	var found *bot.Sending
	var err error
	if c.KeyColumn, err = audience.KeyColumn(ctx, s.Store, c); err != nil {
		return nil, err
	}
	want := audience.NormalizeKey(c.KeyColumn, key)
	stop := bot.Errorf(bot.ECONFLICT, "found")
	_, err = audience.Each(ctx, s.Store, s.Store, c, 0, func(batch []*bot.Sending) error {
		for _, sd := range batch {
			if key == "" || audience.NormalizeKey(c.KeyColumn, sd.Key) == want {
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
		return nil, bot.Errorf(bot.ENOTFOUND, "%s is not in the audience of campaign %d", key, c.ID).Translated("err.campaign.not_in_audience", key, c.ID)
	}
	return found, nil
}

// Preview returns the message as the recipient with this key would get it
// (the first recipient when key is empty), and who that is for people: the
// recipient's name and key ("Ana Lima (ana@example.org)"), or the key.
func (s *Service) Preview(ctx context.Context, id bot.CampaignID, key string) (bot.Message, string, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return bot.Message{}, "", err
	}
	var r *bot.Sending
	if c.Nudge != nil {
		ct, err := s.contactAt(ctx, bot.Address{Platform: bot.PlatformEmail, ID: key})
		if err != nil {
			return bot.Message{}, "", err
		}
		r = &bot.Sending{Key: nudges.ContactKey(ct), Attributes: nudgeAttributes(ct)}
	} else if r, err = s.recipientFor(ctx, c, key); err != nil {
		return bot.Message{}, "", err
	}
	loc, _ := schedule.Location(c.Schedule)
	if loc == nil {
		loc = time.UTC
	}
	who := r.Key
	if name := personalize.Name(r.Attributes); name != "" {
		who = name + " (" + r.Key + ")"
	}
	msg := c.Message
	if s.Compose != nil {
		msg = s.Compose(c)
	}
	m, err := personalize.Message(msg, personalize.NewVars(c.KeyColumn, r.Key, r.Attributes, c.Defaults, s.Clock.Now().In(loc)))
	return m, who, err
}

// Try sends the campaign's message to one address now, outside the report:
// personalised with that person's row when they are in the audience (an
// email, or a platform id), with the first row's values otherwise. The
// result says whether it was delivered, or why not; an error means the try
// could not be made at all.
func (s *Service) Try(ctx context.Context, id bot.CampaignID, to bot.Address) (*bot.TryResult, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := c.Message.ValidateCampaign(); err != nil {
		return nil, bot.Errorf(bot.EINVALID, "campaign %d has no message to try yet: %s", id, bot.ErrorMessage(err))
	}
	if c.Nudge != nil {
		ct, err := s.contactAt(ctx, to)
		if err != nil {
			return nil, err
		}
		attrs := nudgeAttributes(ct)
		for _, p := range personalize.Placeholders(c.Message) {
			// The event's values are known when it happens: show where they go.
			if name := strings.Trim(p.Written, "{}[]% "); strings.HasPrefix(strings.ToLower(name), "event.") {
				attrs[name] = "(" + name + ")"
			}
		}
		return s.Dispatcher.Try(ctx, c, s.reachOf(c, ct, to), attrs)
	}
	r, err := s.recipientFor(ctx, c, to.ID)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		r, err = s.recipientFor(ctx, c, "")
	}
	if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
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
func (s *Service) Report(ctx context.Context, id bot.CampaignID, w bot.RowWriter) error {
	c, counts, err := s.Show(ctx, id)
	if err != nil {
		return err
	}
	detail := counts.Sent != counts.Total
	if !detail {
		if err := s.eachSending(ctx, id, func(sd *bot.Sending) error {
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
	return s.eachSending(ctx, id, func(sd *bot.Sending) error {
		info := []byte("{}")
		if len(sd.Attributes) > 0 {
			info, _ = json.Marshal(sd.Attributes)
		}
		row = append(row[:0], itoa(int(sd.ID)), sd.Key, fmt.Sprint(sd.State == bot.SendingSent), string(info))
		if detail {
			step, msg := reportOutcome(sd)
			row = append(row, step, msg)
		}
		return w.WriteRow(row)
	})
}

func reportOutcome(sd *bot.Sending) (step, msg string) {
	switch sd.State {
	case bot.SendingSent:
		if sd.Resent {
			return "", "sent again after a restart: it may have arrived twice"
		}
		return "", ""
	case bot.SendingFailed:
		return string(sd.Step), sd.Error
	case bot.SendingSkipped:
		return string(sd.Step), "skipped: " + sd.Reason
	}
	return "", "not sent yet (" + string(sd.State) + ")"
}

func (s *Service) eachSending(ctx context.Context, id bot.CampaignID, fn func(*bot.Sending) error) error {
	for after := bot.SendingID(0); ; {
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
func (s *Service) SetAudienceFile(ctx context.Context, id bot.CampaignID, r lists.RecipientReader, by bot.Actor) (*lists.Result, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if !lifecycle.Editable(c) {
		return nil, bot.Errorf(bot.ECONFLICT, "campaign %d is %s: only draft and scheduled campaigns can change", id, c.State).Translated("err.campaign.frozen", id, c.State)
	}
	name := fmt.Sprintf("campaign-%d", id)
	res, err := (&lists.Service{Store: s.Store}).Import(ctx, name, r, lists.Replace, by)
	if err != nil {
		return nil, err
	}
	if _, err := s.SetAudience(ctx, id, bot.Audience{Kind: bot.AudienceList, List: name}, by); err != nil {
		return nil, err
	}
	return res, nil
}

// List returns the campaigns matching f, newest first.
func (s *Service) List(ctx context.Context, f bot.CampaignFilter) ([]*bot.Campaign, error) {
	return s.Store.Campaigns(ctx, f)
}

func itoa(n int) string { return strconv.Itoa(n) }

// audienceSize returns how many recipients an audience holds before
// anything is sent: the size of the list, or the number of contacts
// reachable on the platform.
func audienceSize(ctx context.Context, lists bot.ListStore, contacts bot.ContactStore, a bot.Audience) (int, error) {
	switch a.Kind {
	case bot.AudienceList:
		l, err := lists.List(ctx, a.List)
		if err != nil {
			return 0, err
		}
		return l.Size, nil
	case bot.AudiencePlatform:
		if !a.Platform.Valid() {
			return 0, bot.Errorf(bot.EINVALID, "%q is not a platform", a.Platform)
		}
		return contacts.CountContacts(ctx, bot.ContactFilter{Platform: a.Platform, Reachable: true})
	}
	return 0, bot.Errorf(bot.EINVALID, "the campaign has no audience yet: choose a list or all:PLATFORM").Translated("err.campaign.no_audience")
}

// contactAt finds the contact a nudge is tried on: by email, or by a
// platform address. It returns ENOTFOUND naming who herald does not know.
func (s *Service) contactAt(ctx context.Context, to bot.Address) (*bot.Contact, error) {
	var ct *bot.Contact
	var err error
	if to.Platform == bot.PlatformEmail || to.Platform == "" {
		ct, err = s.Store.ContactByEmail(ctx, to.ID)
	} else {
		ct, err = s.Store.ContactByAddress(ctx, to)
	}
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		return nil, bot.Errorf(bot.ENOTFOUND, "herald knows nobody at %s: a nudge goes to contacts (see contacts)", to.ID).Translated("err.nudge.no_contact", to.ID)
	}
	return ct, err
}

// nudgeAttributes are the values a nudge tried on contact ct reads: the
// contact's attributes and name, and placeholders of the event as
// examples.
func nudgeAttributes(ct *bot.Contact) map[string]string {
	attrs := map[string]string{}
	for k, v := range ct.Attributes {
		attrs[k] = v
	}
	if ct.Name != "" && attrs["name"] == "" {
		attrs["name"] = ct.Name
	}
	return attrs
}

// reachOf is where a nudge tried on contact ct goes: to when it is a
// platform address, else (an email) the contact's first address herald
// can write to on c's platform, else the email.
func (s *Service) reachOf(c *bot.Campaign, ct *bot.Contact, to bot.Address) bot.Address {
	if to.Platform != bot.PlatformEmail {
		return to
	}
	for _, a := range ct.Addresses {
		p := a.Address.Platform
		if (c.Platform == bot.PlatformAuto || c.Platform == "" || c.Platform == p) && !a.Reach.Unreachable() && s.Dispatcher.Connected(p) {
			return a.Address
		}
	}
	return to
}
