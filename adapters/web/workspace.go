package web

import (
	"context"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/lists"
)

// Workspace is what the console's panels list (the store): campaigns with
// their counters, and recipient lists.
type Workspace interface {
	Campaigns(ctx context.Context, f bot.CampaignFilter) ([]*bot.Campaign, error)
	SendingCounts(ctx context.Context, id bot.CampaignID) (bot.SendingCounts, error)
	Lists(ctx context.Context) ([]*bot.List, error)
}

// campaignView is one campaign in the console's Campaigns panel.
type campaignView struct {
	ID      uint64 `json:"id"`
	Name    string `json:"name"`
	State   string `json:"state"`
	Total   int    `json:"total"`
	Sent    int    `json:"sent"`
	Failed  int    `json:"failed"`
	Skipped int    `json:"skipped"`
	// Waiting are still to send (pending, scheduled, in flight).
	Waiting int    `json:"waiting"`
	Start   string `json:"start,omitempty"` // a scheduled start, UTC
	Updated string `json:"updated"`
}

// listView is one list in the console's Lists panel.
type listView struct {
	Name    string   `json:"name"`
	Key     string   `json:"key"`
	Columns []string `json:"columns"`
	Size    int      `json:"size"`
	Created string   `json:"created"`
	Updated string   `json:"updated"`
	By      string   `json:"by,omitempty"`
}

// stamp formats a time for the panels (UTC, to the minute).
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// sendCampaigns sends the Campaigns panel: every campaign, newest first,
// with its counters.
func (a *Adapter) sendCampaigns(ctx context.Context, cn *conn) {
	if a.cfg.Workspace == nil {
		cn.send(event{Type: "campaigns", Campaigns: []campaignView{}})
		return
	}
	cs, err := a.cfg.Workspace.Campaigns(ctx, bot.CampaignFilter{})
	if err != nil {
		cn.send(event{Type: "notice", Notice: "The campaigns could not be read: " + bot.ErrorMessage(err)})
		return
	}
	views := make([]campaignView, 0, len(cs))
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		v := campaignView{ID: uint64(c.ID), Name: c.Name, State: string(c.State), Updated: stamp(c.UpdatedAt)}
		if c.State == bot.CampaignScheduled {
			v.Start = stamp(c.Schedule.StartAt)
		}
		if c.State != bot.CampaignDraft {
			if n, err := a.cfg.Workspace.SendingCounts(ctx, c.ID); err == nil {
				v.Total, v.Sent, v.Failed, v.Skipped = n.Total, n.Sent, n.Failed, n.Skipped
				v.Waiting = n.Pending + n.Scheduled + n.InFlight
			}
		}
		views = append(views, v)
	}
	cn.send(event{Type: "campaigns", Campaigns: views})
}

// sendLists sends the Lists panel: every list (not the staging lists of
// imports in progress), by name.
func (a *Adapter) sendLists(ctx context.Context, cn *conn) {
	if a.cfg.Workspace == nil {
		cn.send(event{Type: "lists", Lists: []listView{}})
		return
	}
	ls, err := a.cfg.Workspace.Lists(ctx)
	if err != nil {
		cn.send(event{Type: "notice", Notice: "The lists could not be read: " + bot.ErrorMessage(err)})
		return
	}
	views := make([]listView, 0, len(ls))
	for _, l := range ls {
		if strings.HasPrefix(l.Name, lists.StagingPrefix) {
			continue
		}
		views = append(views, listView{Name: l.Name, Key: l.KeyColumn, Columns: l.Columns, Size: l.Size,
			Created: stamp(l.CreatedAt), Updated: stamp(l.UpdatedAt), By: l.UpdatedBy.Name})
	}
	cn.send(event{Type: "lists", Lists: views})
}
