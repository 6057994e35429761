package commands

import (
	"bytes"
	"context"
	"io"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/apitokens"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/schedule"
	"github.com/heraldchat/herald/bot/status"
	"github.com/heraldchat/herald/bot/threads"
)

// Campaigns is what the commands need of the campaign service.
type Campaigns interface {
	Create(ctx context.Context, name string, by bot.Actor) (*bot.Campaign, error)
	CreateNudge(ctx context.Context, name string, by bot.Actor) (*bot.Campaign, error)
	SetNudge(ctx context.Context, id bot.CampaignID, n bot.Nudge, by bot.Actor) (*bot.Campaign, error)
	SetMessage(ctx context.Context, id bot.CampaignID, m bot.Message, by bot.Actor) (*bot.Campaign, error)
	SetAudience(ctx context.Context, id bot.CampaignID, a bot.Audience, by bot.Actor) (*bot.Campaign, error)
	SetAudienceFile(ctx context.Context, id bot.CampaignID, r lists.RecipientReader, by bot.Actor) (*lists.Result, error)
	SetPlatform(ctx context.Context, id bot.CampaignID, p bot.Platform, by bot.Actor) (*bot.Campaign, error)
	SetSchedule(ctx context.Context, id bot.CampaignID, s bot.Schedule, by bot.Actor) (*bot.Campaign, error)
	SetMissing(ctx context.Context, id bot.CampaignID, defaults map[string]string, p bot.MissingPolicy, by bot.Actor) (*bot.Campaign, error)
	Check(ctx context.Context, id bot.CampaignID) (*campaigns.Check, error)
	Reach(ctx context.Context, id bot.CampaignID) ([]campaigns.ReachCount, error)
	Preview(ctx context.Context, id bot.CampaignID, key string) (m bot.Message, who string, err error)
	Try(ctx context.Context, id bot.CampaignID, to bot.Address) (*bot.TryResult, error)
	Start(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error)
	Pause(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error)
	Resume(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error)
	Cancel(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error)
	Clone(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error)
	Delete(ctx context.Context, id bot.CampaignID) error
	Show(ctx context.Context, id bot.CampaignID) (*bot.Campaign, bot.SendingCounts, error)
	Report(ctx context.Context, id bot.CampaignID, w bot.RowWriter) error
	List(ctx context.Context, f bot.CampaignFilter) ([]*bot.Campaign, error)
}

// Lists is what the commands need of the list service.
type Lists interface {
	Import(ctx context.Context, name string, r lists.RecipientReader, mode lists.Mode, by bot.Actor) (*lists.Result, error)
	Lists(ctx context.Context) ([]*bot.List, error)
	Show(ctx context.Context, name string, sample int) (*bot.List, []bot.Recipient, error)
	Export(ctx context.Context, name string, w bot.RowWriter) error
	Delete(ctx context.Context, name string) error
}

// Statuser gives what `status` shows.
type Statuser interface {
	Status() status.Snapshot
}

// Conversations is what the thread commands need of participant threads.
type Conversations interface {
	Close(ctx context.Context, thread bot.ThreadRef, by bot.Actor, after time.Duration, message string) (*bot.Conversation, error)
	Reopen(ctx context.Context, thread bot.ThreadRef, by bot.Actor) (*bot.Conversation, error)
	Assign(ctx context.Context, thread bot.ThreadRef, by, to bot.Actor) (*bot.Conversation, error)
	Tag(ctx context.Context, thread bot.ThreadRef, by bot.Actor, tag string, add bool) (*bot.Conversation, error)
	Block(ctx context.Context, thread bot.ThreadRef, by bot.Actor, blocked bool) (*bot.Conversation, error)
	Say(ctx context.Context, thread bot.ThreadRef, by bot.Actor, m bot.Message) error
	// Note records that by wrote a note in thread; History returns the
	// thread's conversation and its events, oldest first.
	Note(ctx context.Context, thread bot.ThreadRef, by bot.Actor) error
	History(ctx context.Context, thread bot.ThreadRef) (*bot.Conversation, []*bot.Event, error)
	SendDraft(ctx context.Context, thread bot.ThreadRef, by bot.Actor, n int) (threads.Delivery, error)
	EditDraft(ctx context.Context, thread bot.ThreadRef, by bot.Actor, n int, text string) error
	DiscardDraft(ctx context.Context, thread bot.ThreadRef, by bot.Actor, n int) error
	ThreadOf(ctx context.Context, id bot.ConversationID) (bot.ThreadRef, error)
}

// Deps are the services the commands call.
type Deps struct {
	Campaigns Campaigns
	// Recipes serves the recipe commands, RecipeList `recipe list` (the
	// store); without them those commands say recipes are not set up.
	Recipes Recipes
	// Surveys serves the survey commands; without it they say surveys are
	// not set up.
	Surveys Surveys
	// Engagement serves `campaign stats`' engagement, `campaign people`
	// and the engagement export.
	Engagement Engagement
	// Chart, when set, draws a question's answers as a PNG (plotchart.Bars)
	// for `campaign stats`.
	Chart      func(title string, labels []string, counts []int, of int) ([]byte, error)
	Calendars  schedule.CalendarStore
	Filters    recipes.FilterStore
	Webhooks   *WebhookDeps
	RecipeList interface {
		Recipes(ctx context.Context) ([]*recipes.Recipe, error)
	}
	Lists  Lists
	Status Statuser
	// Conversations and Snippets serve the thread commands; without them
	// those commands say that threads are not set up.
	Conversations Conversations
	Snippets      threads.SnippetStore
	// Directory serves the contacts command, History the events command
	// (both the store).
	Directory Directory
	History   History
	// Tokens serves the token commands (the store).
	Tokens apitokens.Store
	// OpenRecipients reads an uploaded recipient file (package csvfile).
	OpenRecipients func(io.Reader) (lists.RecipientReader, error)
	// WriteTable writes the rows a report or export produces onto w as a
	// file (package csvfile: CSV that spreadsheets open safely); it
	// returns a flush to call after the last row.
	WriteTable func(w io.Writer) (rows bot.RowWriter, flush func() error)
	Clock      clock.Clock
}

// table runs fill with a RowWriter and returns the file it wrote.
func (d Deps) table(fill func(bot.RowWriter) error) ([]byte, error) {
	var buf bytes.Buffer
	rows, flush := d.WriteTable(&buf)
	if err := fill(rows); err != nil {
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, bot.Errorf(bot.EINTERNAL, "writing the file: %w", err)
	}
	return buf.Bytes(), nil
}
