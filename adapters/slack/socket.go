package slack

import (
	"context"
	"encoding/json"

	slk "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/heraldchat/herald/bot"
)

// RunSocket connects in Socket Mode with the app-level token (xapp-…, with
// connections:write) and serves what Slack sends over it — /herald,
// buttons and events, each acknowledged at once — until ctx ends. No
// public URL is needed. It reconnects by itself when Slack asks.
func (a *Adapter) RunSocket(ctx context.Context, appToken string) error {
	opts := []slk.Option{slk.OptionAppLevelToken(appToken)}
	if a.cfg.HTTPClient != nil {
		opts = append(opts, slk.OptionHTTPClient(a.cfg.HTTPClient))
	}
	if a.cfg.APIURL != "" {
		u := a.cfg.APIURL
		if u[len(u)-1] != '/' {
			u += "/"
		}
		opts = append(opts, slk.OptionAPIURL(u))
	}
	client := socketmode.New(slk.New(a.cfg.BotToken, opts...))
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-client.Events:
				if !ok {
					return
				}
				a.socketEvent(client, ev)
			}
		}
	}()
	err := client.RunContext(ctx)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return bot.Errorf(bot.EUNAVAILABLE, "slack: Socket Mode stopped: %s (check slack.app_token: an xapp- token with connections:write)", err)
	}
	return nil
}

func (a *Adapter) socketEvent(client *socketmode.Client, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnected:
		if a.cfg.Board != nil {
			a.cfg.Board.SetConnected(bot.PlatformSlack, true, "Socket Mode")
		}
	case socketmode.EventTypeInvalidAuth, socketmode.EventTypeConnectionError:
		if a.cfg.Board != nil {
			a.cfg.Board.SetConnected(bot.PlatformSlack, false, "Socket Mode: cannot connect")
			a.cfg.Board.ReportError(bot.PlatformSlack, bot.Errorf(bot.EFORBIDDEN, "Socket Mode cannot connect: check slack.app_token, an xapp- token with connections:write").Translated("platform.slack.socket"))
		}
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		if ev.Request == nil {
			return
		}
		raw := []byte(ev.Request.Payload)
		if ev.Type == socketmode.EventTypeEventsAPI {
			// A participant's message is recorded before the envelope is
			// acknowledged (a few milliseconds): were herald to stop
			// first, Slack would send it again, and the intake's key
			// keeps it once. Events are read one at a time, so each
			// participant's messages are recorded in order.
			var env eventEnvelope
			if json.Unmarshal(raw, &env) == nil {
				a.runEvent(env)
			}
			client.Ack(*ev.Request)
			return
		}
		client.Ack(*ev.Request) // at once: Slack waits three seconds at most
		switch ev.Type {
		case socketmode.EventTypeSlashCommand:
			var c struct {
				UserID      string `json:"user_id"`
				UserName    string `json:"user_name"`
				ChannelID   string `json:"channel_id"`
				Text        string `json:"text"`
				TriggerID   string `json:"trigger_id"`
				ResponseURL string `json:"response_url"`
			}
			if json.Unmarshal(raw, &c) == nil {
				a.runCommand(c.UserID, c.UserName, c.ChannelID, c.Text, c.TriggerID, c.ResponseURL)
			}
		case socketmode.EventTypeInteractive:
			var p interactionPayload
			if json.Unmarshal(raw, &p) == nil {
				a.runInteraction(p)
			}
		}
	}
}
