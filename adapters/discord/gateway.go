package discord

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldchat/herald/bot"
)

// Run registers /herald, connects to the gateway and serves it until ctx
// ends: participants' DMs, moderators' thread messages, /herald and
// buttons go to Handler.
// discordgo reconnects by itself. Events are read one at a time: a
// participant's DM is recorded right there, so that their messages are
// recorded in the order they wrote them; everything else (a moderator in
// a thread, /herald, a button) is handled in a goroutine of its own. Run
// returns only once those have returned too.
func (a *Adapter) Run(ctx context.Context) error {
	a.s.Identify.Intents = discordgo.IntentsDirectMessages | discordgo.IntentMessageContent | discordgo.IntentsGuildMessages
	a.s.SyncEvents = true
	var handlers tracker
	if a.memberJoins {
		// Privileged: the Server Members Intent must be on in the portal.
		a.s.Identify.Intents |= discordgo.IntentsGuildMembers
		removeM := a.s.AddHandler(func(_ *discordgo.Session, m *discordgo.GuildMemberAdd) {
			if m.Member == nil || m.User == nil || m.User.Bot || m.GuildID != a.guildID || a.Handler == nil {
				return
			}
			name := m.User.GlobalName
			if name == "" {
				name = m.User.Username
			}
			handlers.do(func() {
				hctx, cancel := context.WithTimeout(ctx, time.Minute)
				defer cancel()
				a.handle(hctx, bot.Inbound{Kind: bot.InboundParticipantJoined, From: bot.Actor{Address: bot.Address{Platform: bot.PlatformDiscord, ID: m.User.ID}, Name: name}, ID: "join:" + m.User.ID})
			})
		})
		defer removeM()
		// With the intent, a member's roles changed or their leaving are
		// known at once, not a minute later (IsMember's memory).
		removeU := a.s.AddHandler(func(_ *discordgo.Session, m *discordgo.GuildMemberUpdate) {
			if m.Member != nil && m.User != nil && m.GuildID == a.guildID {
				a.members.Put(m.User.ID, m.Roles, memberTTL)
			}
		})
		defer removeU()
		removeR := a.s.AddHandler(func(_ *discordgo.Session, m *discordgo.GuildMemberRemove) {
			if m.Member != nil && m.User != nil && m.GuildID == a.guildID {
				a.members.Put(m.User.ID, nil, memberTTL)
			}
		})
		defer removeR()
	}
	// Live DMs wait until what was written while herald was away is read
	// back, so that each participant's messages keep their order.
	backfilled := make(chan struct{})
	remove := a.s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
		if m.GuildID == "" {
			select {
			case <-backfilled:
			case <-ctx.Done():
				return
			}
			handlers.do(func() { a.message(m) }) // in order
			return
		}
		handlers.async(func() { a.message(m) })
	})
	defer remove()
	removeI := a.s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) {
		handlers.async(func() { a.interaction(i.Interaction, a.restResponder(i.Interaction)) })
	})
	defer removeI()
	if a.Handler != nil && a.appID != "" && len(a.Verbs) > 0 {
		if err := a.register(ctx); err != nil {
			a.log.Error("discord: registering /herald", "err", err)
		}
	}
	if err := a.s.Open(); err != nil {
		close(backfilled)
		if a.board != nil {
			a.board.SetConnected(bot.PlatformDiscord, false, "gateway: cannot connect")
			if strings.Contains(err.Error(), "4014") {
				a.board.ReportError(bot.PlatformDiscord, bot.Errorf(bot.EFORBIDDEN, "Discord refused the Server Members Intent: turn it on in the developer portal (Bot → Privileged Gateway Intents), or set threads.surface_on_join: false").Translated("platform.discord.intent"))
			} else {
				a.board.ReportError(bot.PlatformDiscord, bot.Errorf(bot.EFORBIDDEN, "the gateway refused the connection: check discord.token").Translated("platform.discord.gateway"))
			}
		}
		return bot.Errorf(bot.EUNAVAILABLE, "discord: cannot connect to the gateway: %s", redact(err.Error(), a.s.Token))
	}
	if a.board != nil {
		a.board.SetConnected(bot.PlatformDiscord, true, "participants by DM, gateway connected")
	}
	handlers.async(func() {
		defer close(backfilled)
		a.backfill(ctx)
	})
	<-ctx.Done()
	err := a.s.Close()
	handlers.stop()
	return err
}

// tracker runs handlers and waits for them: after stop, none is running
// and none starts.
type tracker struct {
	mu      sync.Mutex
	wg      sync.WaitGroup
	stopped bool
}

// enter counts one more handler running, unless the tracker stopped.
func (t *tracker) enter() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return false
	}
	t.wg.Add(1)
	return true
}

// do runs fn here, tracked.
func (t *tracker) do(fn func()) {
	if t.enter() {
		defer t.wg.Done()
		fn()
	}
}

// async runs fn in a goroutine of its own, tracked like do.
func (t *tracker) async(fn func()) {
	if t.enter() {
		go func() {
			defer t.wg.Done()
			fn()
		}()
	}
}

func (t *tracker) stop() {
	t.mu.Lock()
	t.stopped = true
	t.mu.Unlock()
	t.wg.Wait()
}

func redact(s, token string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, token, "***"), strings.TrimPrefix(token, "Bot "), "***")
}

// message hands a participant's DM to Handler (guild messages go to
// guildMessage). herald's own messages and bots' are left alone.
// Attachments are named with their link, never dropped.
func (a *Adapter) message(m *discordgo.MessageCreate) {
	if m.Author == nil || m.Author.Bot {
		return
	}
	if m.GuildID != "" {
		a.guildMessage(m)
		return
	}
	if a.Handler == nil {
		return
	}
	text := m.Content
	for _, at := range m.Attachments {
		text = strings.TrimSpace(text + "\n[" + at.Filename + "](" + at.URL + ")")
	}
	if strings.TrimSpace(text) == "" {
		return
	}
	name := m.Author.GlobalName
	if name == "" {
		name = m.Author.Username
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in := bot.Inbound{Kind: bot.InboundParticipantMessage, From: bot.Actor{Address: bot.Address{Platform: bot.PlatformDiscord, ID: m.Author.ID}, Name: name}, ID: m.ID, Text: text}
	a.mu.Lock()
	last, seen := a.lastDM[m.ChannelID]
	a.mu.Unlock()
	if seen && !snowflakeLess(last, m.ID) {
		return // read back already (it arrived live while the DM was read back)
	}
	if _, err := a.Handler.Handle(ctx, in); err != nil {
		a.log.Error("discord: handling a DM", "from", in.From.String(), "err", err)
		return // not recorded: the next connection reads it back
	}
	a.mu.Lock()
	if a.lastDM == nil {
		a.lastDM = map[string]string{}
	}
	a.lastDM[m.ChannelID] = m.ID
	a.mu.Unlock()
	if a.cursors != nil {
		if err := a.cursors.SetCursor(ctx, dmCursor+m.ChannelID, m.ID); err != nil {
			a.log.Warn("discord: keeping the last DM read", "err", err)
		}
	}
}

// dmCursor starts the keys of the DMs' cursors.
const dmCursor = "discord:dm:"

// backfill reads what participants wrote in their DMs while herald was not
// connected (the gateway never delivers it) and handles it in order, from
// each DM's cursor on.
func (a *Adapter) backfill(ctx context.Context) {
	if a.cursors == nil || a.Handler == nil {
		return
	}
	cursors, err := a.cursors.Cursors(ctx, dmCursor)
	if err != nil {
		a.log.Error("discord: reading the DMs' cursors", "err", err)
		return
	}
	for key, last := range cursors {
		channel := strings.TrimPrefix(key, dmCursor)
		for ctx.Err() == nil {
			msgs, err := a.s.ChannelMessages(channel, 100, "", last, "", discordgo.WithContext(ctx))
			if err != nil {
				a.log.Warn("discord: reading back a DM", "channel", channel, "err", a.classify(err, bot.StepResolve))
				break
			}
			if len(msgs) == 0 {
				break
			}
			sort.Slice(msgs, func(i, j int) bool { return snowflakeLess(msgs[i].ID, msgs[j].ID) })
			for _, m := range msgs {
				a.message(&discordgo.MessageCreate{Message: m})
			}
			last = msgs[len(msgs)-1].ID
		}
	}
}

// snowflakeLess orders Discord ids (decimal numbers of growing length).
func snowflakeLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// handle hands in to Handler, and logs what it could not handle.
func (a *Adapter) handle(ctx context.Context, in bot.Inbound) bot.InboundReply {
	if a.Handler == nil {
		return bot.InboundReply{}
	}
	out, err := a.Handler.Handle(ctx, in)
	if err != nil {
		a.log.Error("discord: handling an event", "kind", in.Kind, "from", in.From.String(), "err", err)
	}
	return out
}
