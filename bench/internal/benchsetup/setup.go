// Package benchsetup prepares what the campaign benchmarks share: a list
// of n Telegram ids and a draft campaign to it.
package benchsetup

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/csvfile"
	"github.com/heraldchat/herald/store"
)

// Store is what the setup writes to.
type Store interface {
	bot.ListStore
}

// Campaign imports a list named name of n recipients keyed by telegram_id
// (chat(i) for i in [0, n)) with a first_name, and creates a draft
// campaign "Hello {{first_name}}" to it on Telegram. svc must be built on
// the same store.
func Campaign(ctx context.Context, db Store, svc *campaigns.Service, name string, n int, chat func(int) string) (bot.CampaignID, error) {
	return CampaignOn(ctx, db, svc, bot.PlatformTelegram, name, n, chat)
}

// CampaignOn is Campaign on platform p: the list is keyed by p's id
// column (telegram_id, teams_id, …).
//
// The file is written to a temporary file and read from it, as an upload
// is: a million rows held in a string would count in the memory of the
// process that measures herald's.
func CampaignOn(ctx context.Context, db Store, svc *campaigns.Service, p bot.Platform, name string, n int, chat func(int) string) (bot.CampaignID, error) {
	f, err := os.CreateTemp("", "herald-bench-list-*.csv")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	w := bufio.NewWriter(f)
	w.WriteString(string(p) + "_id,first_name\n")
	for i := range n {
		fmt.Fprintf(w, "%s,P%d\n", chat(i), i)
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	rd, err := csvfile.NewReader(f)
	if err != nil {
		return 0, err
	}
	if _, err := (&lists.Service{Store: db}).Import(ctx, name, rd, lists.Replace, bot.Actor{}); err != nil {
		return 0, err
	}
	c, err := svc.Create(ctx, name, bot.Actor{})
	if err != nil {
		return 0, err
	}
	if _, err := svc.SetMessage(ctx, c.ID, bot.Message{Text: "Hello {{first_name}}"}, bot.Actor{}); err != nil {
		return 0, err
	}
	if _, err := svc.SetAudience(ctx, c.ID, bot.Audience{Kind: bot.AudienceList, List: name}, bot.Actor{}); err != nil {
		return 0, err
	}
	if _, err := svc.SetPlatform(ctx, c.ID, p, bot.Actor{}); err != nil {
		return 0, err
	}
	return c.ID, nil
}

// TempStore opens a durable store (fsync on) in a new temporary directory
// named after prefix; close closes it and removes the directory.
func TempStore(prefix string) (db *store.DB, close func(), err error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, nil, err
	}
	db, err = store.Open(filepath.Join(dir, "herald.db"), store.Options{})
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return db, func() { db.Close(); os.RemoveAll(dir) }, nil
}
