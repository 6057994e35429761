package slack

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/heraldchat/herald/adapters/internal"
	"github.com/heraldchat/herald/bot"
)

// MaxFileSize is the largest file herald fetches from Slack: a recipient
// file of a few hundred thousand rows, or a participant's attachment.
const MaxFileSize = 64 << 20

// ModeratorChecker says whether an actor may run commands
// (moderators.Set).
type ModeratorChecker interface {
	IsModerator(ctx context.Context, a bot.Actor) (bool, error)
}

// sharedFile is a file in a message event.
type sharedFile struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Mimetype           string `json:"mimetype"`
	Size               int64  `json:"size"`
	URLPrivateDownload string `json:"url_private_download"`
}

// fetch downloads a shared file with the bot token (files:read). Slack
// answers its sign-in page instead of the file when the token cannot read
// it; that, a file over MaxFileSize and a failed download are errors that
// say what to do.
func (a *Adapter) fetch(ctx context.Context, f sharedFile) (bot.File, error) {
	out := bot.File{Name: internal.FileName(f.Name), ContentType: f.Mimetype, Size: f.Size}
	if f.Size > MaxFileSize {
		return out, bot.Errorf(bot.EINVALID, "%s is %d MB; herald reads files up to %d MB", f.Name, f.Size>>20, MaxFileSize>>20)
	}
	if f.URLPrivateDownload == "" {
		return out, bot.Errorf(bot.EINVALID, "Slack gave no download address for %s", f.Name)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URLPrivateDownload, nil)
	if err != nil {
		return out, bot.Errorf(bot.EINVALID, "Slack gave a bad download address for %s", f.Name)
	}
	req.Header.Set("Authorization", "Bearer "+a.cfg.BotToken)
	client := a.cfg.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return out, bot.Errorf(bot.EUNAVAILABLE, "cannot download %s from Slack: %s", f.Name, scrub(err.Error(), a.cfg.BotToken))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return out, bot.Errorf(bot.EUNAVAILABLE, "cannot download %s from Slack: HTTP %d; send it again", f.Name, resp.StatusCode)
	}
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct == "text/html" && !strings.HasPrefix(f.Mimetype, "text/html") {
		return out, bot.Errorf(bot.EFORBIDDEN, "Slack would not let herald read %s: add the files:read scope to the app and reinstall it", f.Name)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxFileSize+1))
	if err != nil {
		return out, bot.Errorf(bot.EUNAVAILABLE, "cannot download %s from Slack: %s; send it again", f.Name, scrub(err.Error(), a.cfg.BotToken))
	}
	if len(data) > MaxFileSize {
		return out, bot.Errorf(bot.EINVALID, "%s is over %d MB, the most herald reads", f.Name, MaxFileSize>>20)
	}
	out.Data, out.Size = data, int64(len(data))
	return out, nil
}

// scrub keeps a token out of an error text.
func scrub(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "xoxb-…")
}

// moderatorFiles hands each file a moderator shares in a DM with herald to
// the handler (a pending `list import`, or an offer to import), and
// answers in the DM.
func (a *Adapter) moderatorFiles(ctx context.Context, from bot.Actor, channel string, files []sharedFile) {
	for _, sf := range files {
		f, err := a.fetch(ctx, sf)
		var reply bot.CommandReply
		if err != nil {
			reply = bot.CommandReply{Private: true, Messages: []bot.Message{{Kind: bot.KindImportant, Text: bot.ErrorMessage(err)}}}
		} else {
			a.answerAll(ctx, channel, from.Address.ID, "", a.handle(ctx, bot.Inbound{Kind: bot.InboundFile, From: from, Files: []bot.File{f}}).Replies)
			continue
		}
		a.answer(ctx, channel, from.Address.ID, "", reply)
	}
}

// participantFiles fetches the files sent with a message (a participant's
// DM, a moderator's reply) so that they go on with it. A file that cannot be fetched is named
// in the message instead, never dropped in silence.
func (a *Adapter) participantFiles(ctx context.Context, text string, files []sharedFile) bot.Message {
	m := bot.Message{Text: text}
	for _, sf := range files {
		f, err := a.fetch(ctx, sf)
		if err != nil {
			a.log.Warn("slack: a participant's file", "file", sf.Name, "err", err)
			m.Text = strings.TrimSpace(m.Text + "\n" + fmt.Sprintf("[%s: %s]", sf.Name, bot.ErrorMessage(err)))
			continue
		}
		m.Files = append(m.Files, f)
	}
	return m
}
