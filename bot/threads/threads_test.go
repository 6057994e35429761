package threads_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/events"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/status"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/store"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) // a Tuesday

func threadsOn(t *testing.T, db *store.DB, clock *bottest.Clock, mods, chat *bottest.Messenger) *threads.Service {
	return &threads.Service{Store: db, Contacts: &contacts.Service{Store: db, Clock: clock},
		Messengers: map[bot.Platform]bot.Messenger{bot.PlatformTelegram: chat}, Moderators: mods,
		Channel: bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}, Clock: clock}
}

// relaying runs the engine's outbox for th, as herald does, until the
// test ends (platforms without limits), and returns a function that waits
// until every queued post was made.
func relaying(t *testing.T, db *store.DB, clock clock.Clock, th *threads.Service, board *status.Board) (settle func()) {
	t.Helper()
	posters := map[bot.Platform]bot.Messenger{th.Channel.Platform: th.Moderators.(bot.Messenger)}
	for p, m := range th.Messengers {
		posters[p] = m
	}
	unlimited := map[bot.Platform]bot.Limits{}
	for _, p := range bot.Platforms() {
		unlimited[p] = bot.Limits{}
	}
	o := &engine.Outbox{Store: db, Posters: posters, Relays: th, Budget: engine.NewBudget(unlimited, clock, 1), Clock: clock}
	if board != nil {
		o.Report = func(p bot.Platform, err error) { board.Report(p, bot.ErrorMessage(err), "fix it") }
	}
	th.Outbox = o
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { o.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return func() {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			waiting, err := db.Outbox(context.Background(), 0, 0)
			if err == nil && len(waiting) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("posts still waiting: %d (%v)", len(waiting), err)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// TestOneThreadPerParticipant has 100 participants write 5 messages each,
// all at once, with every message delivered twice (a platform retrying)
// and numbered within its chat, as Telegram numbers them (everyone's
// first message is message 1): exactly 100 threads and 100 head cards, 500 relayed messages, each
// reply reaching the right participant; after a restart, nobody gets a
// second thread.
func TestOneThreadPerParticipant(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	clock := bottest.NewClock(t0)
	db, err := store.Open(path, store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	mods, chat := bottest.NewMessenger(bot.PlatformSlack), bottest.NewMessenger(bot.PlatformTelegram)
	th := threadsOn(t, db, clock, mods, chat)
	settle := relaying(t, db, clock, th, nil)
	addr := func(i int) bot.Address { return bot.Address{Platform: bot.PlatformTelegram, ID: fmt.Sprint(5000 + i)} }
	var wg sync.WaitGroup
	for i := range 100 {
		for j := range 5 {
			for range 2 { // each event delivered twice
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := th.Receive(ctx, threads.Incoming{From: addr(i), ID: fmt.Sprint(j + 1), Message: bot.Message{Text: fmt.Sprintf("message %d of %d", j, i)}})
					if err != nil {
						t.Error(err)
					}
				}()
			}
		}
	}
	wg.Wait()
	settle()
	heads := 0
	seenThreads := map[bot.ThreadRef]bool{}
	text := map[string]string{} // what each thread shows, by its head's id
	for _, s := range mods.Sent() {
		if s.Thread.IsZero() {
			heads++
			text[s.Ref.ID] += s.Message.Text
		} else {
			seenThreads[s.Thread] = true
			text[s.Thread.ID] += s.Message.Text
		}
	}
	convs, _ := db.Conversations(ctx, bot.ConversationFilter{})
	if heads != 100 || len(convs) != 100 {
		t.Fatalf("%d head cards, %d conversations; want 100, 100", heads, len(convs))
	}
	for _, c := range convs {
		i, _ := strconv.Atoi(c.Participant.ID)
		i -= 5000
		shown := text[c.Thread.ID]
		for j := range 5 {
			if n := strings.Count(shown, fmt.Sprintf("message %d of %d", j, i)); n != 1 {
				t.Fatalf("participant %d's message %d shows %d times in their thread:\n%s", i, j, n, shown)
			}
		}
		seenThreads[c.Thread] = true
	}
	for _, c := range convs {
		if _, err := th.Reply(ctx, c.Thread, bot.Actor{Name: "Mo"}, bot.Message{Text: "for " + c.Participant.ID}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 100 {
		got := chat.SentTo(addr(i))
		if len(got) != 1 || got[0].Text != "for "+addr(i).ID {
			t.Fatalf("participant %d got %+v", i, got)
		}
	}
	db.Close()

	// A restart: the same participants write again.
	db2, err := store.Open(path, store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	mods2 := bottest.NewMessenger(bot.PlatformSlack)
	th2 := threadsOn(t, db2, clock, mods2, chat)
	settle2 := relaying(t, db2, clock, th2, nil)
	for i := range 100 {
		if _, err := th2.Receive(ctx, threads.Incoming{From: addr(i), Message: bot.Message{Text: "after the restart"}}); err != nil {
			t.Fatal(err)
		}
	}
	settle2()
	if len(mods2.Sent()) != 100 {
		t.Fatalf("%d posts after the restart, want 100", len(mods2.Sent()))
	}
	for _, s := range mods2.Sent() {
		if s.Thread.IsZero() {
			t.Fatal("a restart opened a second thread")
		}
		if !seenThreads[s.Thread] {
			t.Fatalf("a message after the restart went to an unknown thread %+v", s.Thread)
		}
	}
}

// maker is a moderators' surface that makes channels.
type maker struct {
	*bottest.Messenger
	made     []string
	fail     error
	refusing error // EnsureChannel's answer, when set
}

func (m *maker) EnsureChannel(_ context.Context, name string) (bot.Address, error) {
	if m.refusing != nil {
		return bot.Address{}, m.refusing
	}
	m.made = append(m.made, name)
	return bot.Address{Platform: bot.PlatformSlack, ID: "C-" + name}, nil
}

func (m *maker) StartThread(ctx context.Context, ch bot.Address, msg bot.Message) (bot.ThreadRef, error) {
	if m.fail != nil {
		return bot.ThreadRef{}, m.fail
	}
	return m.Messenger.StartThread(ctx, ch, msg)
}

func TestThreadSettings(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(t0)
	db, err := store.Open(filepath.Join(t.TempDir(), "herald.db"), store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mods := &maker{Messenger: bottest.NewMessenger(bot.PlatformSlack)}
	chat := bottest.NewMessenger(bot.PlatformTelegram)
	board := &status.Board{Clock: clock}
	th := &threads.Service{Store: db, Contacts: &contacts.Service{Store: db, Clock: clock},
		Messengers: map[bot.Platform]bot.Messenger{bot.PlatformTelegram: chat}, Moderators: mods,
		Channel: bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}, Clock: clock, Board: board,
		ChannelPer: "campaign", ChannelPrefix: "herald-",
		AsModerator: true, Auth: &moderators.Set{Users: map[bot.Platform][]string{bot.PlatformSlack: {"UMOD"}}}}
	tg := func(id string) bot.Address { return bot.Address{Platform: bot.PlatformTelegram, ID: id} }
	settle := relaying(t, db, clock, th, board)
	conv := func(id string) *bot.Conversation {
		t.Helper()
		settle()
		c, err := db.ConversationByParticipant(ctx, tg(id))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	// A channel per campaign, made when its first thread needs it.
	th.Receive(ctx, threads.Incoming{From: tg("1"), CampaignID: 7, Message: bot.Message{Text: "hi"}})
	th.Receive(ctx, threads.Incoming{From: tg("2"), Message: bot.Message{Text: "hi"}})
	c1, c2 := conv("1"), conv("2")
	if c1.Thread.Channel.ID != "C-herald-campaign-7" || c2.Thread.Channel.ID != "CMODS" {
		t.Fatalf("channels: %v and %v", c1.Thread.Channel, c2.Thread.Channel)
	}
	// Changing the setting leaves existing threads where they are.
	th.ChannelPer = ""
	th.Receive(ctx, threads.Incoming{From: tg("1"), CampaignID: 7, Message: bot.Message{Text: "again"}})
	if c1b := conv("1"); c1b.Thread != c1.Thread {
		t.Fatal("a setting change moved a thread")
	}

	// Participants surface on join only when asked.
	if c, err := th.Joined(ctx, threads.Incoming{From: tg("3"), Name: "Zoe"}); c != nil || err != nil {
		t.Fatalf("joined with the setting off: %+v %v", c, err)
	}
	th.SurfaceOnJoin = true
	if _, err := th.Joined(ctx, threads.Incoming{From: tg("4"), Name: "Yan", Source: "Webinar: Go & you!"}); err != nil {
		t.Fatal(err)
	}
	if c4 := conv("4"); c4.Thread.IsZero() {
		t.Fatalf("joined with the setting on: no thread: %+v", c4)
	}

	// Replies go out as the moderator who wrote them, or as the bot.
	th.Reply(ctx, c1.Thread, bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"}, Name: "Mo"}, bot.Message{Text: "Hello"})
	th.Reply(ctx, c1.Thread, bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UOTHER"}, Name: "Eve"}, bot.Message{Text: "Hi there"})
	got := chat.SentTo(tg("1"))
	if len(got) != 2 || got[0].Text != "Mo: Hello" || got[1].Text != "Hi there" {
		t.Fatalf("participant got %+v", got)
	}

	// A thread that cannot be opened shows on the status board, and the
	// message waits in the outbox (it is retried until the thread opens).
	mods.fail = bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "not_in_channel: invite @herald to #moderators")
	if _, err := th.Receive(ctx, threads.Incoming{From: tg("5"), Message: bot.Message{Text: "still here?"}}); err != nil {
		t.Fatalf("a message was refused because its thread could not open: %v", err)
	}
	// The failure shows on the board, then its try is recorded: wait for
	// both.
	tried := func() bool {
		waiting, _ := db.Outbox(ctx, 0, 0)
		return len(waiting) == 1 && waiting[0].Tries > 0
	}
	deadline := time.Now().Add(10 * time.Second)
	for (len(board.Status().Errors) == 0 || !tried()) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	st := board.Status()
	if len(st.Errors) != 1 || !strings.Contains(st.Errors[0].Message, "invite @herald") {
		t.Fatalf("board = %+v", st)
	}
	if waiting, _ := db.Outbox(ctx, 0, 0); len(waiting) != 1 || waiting[0].Tries == 0 {
		t.Fatalf("the message is not waiting to be retried: %+v", waiting)
	}
	// Once moderators fix it, the next try opens the thread with the message.
	mods.fail = nil
	clock.Advance(time.Minute)
	th.Outbox.Wake()
	if c5 := conv("5"); c5.Thread.IsZero() {
		t.Fatal("the thread did not open after the fix")
	}
}

// plainChat is a messenger that cannot upload files.
type plainChat struct{ bot.Messenger }

// TestFilesGoByChatOnly: a reply with a file to a platform that cannot
// upload files, or to a participant chat cannot reach, is refused with
// the reason, and nothing is half sent.
func TestFilesGoByChatOnly(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(t0)
	db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mods, chat := bottest.NewMessenger(bot.PlatformSlack), bottest.NewMessenger(bot.PlatformTelegram)
	th := threadsOn(t, db, clock, mods, chat)
	settle := relaying(t, db, clock, th, nil)
	ana := bot.Address{Platform: bot.PlatformTelegram, ID: "42"}
	if _, err := th.Receive(ctx, threads.Incoming{From: ana, ID: "1", Message: bot.Message{Text: "hi"}}); err != nil {
		t.Fatal(err)
	}
	settle()
	c, err := db.ConversationByParticipant(ctx, ana)
	if err != nil {
		t.Fatal(err)
	}
	withFile := bot.Message{Text: "the form", Files: []bot.File{{Name: "form.pdf", Data: []byte("%PDF")}}}
	if _, err := th.Reply(ctx, c.Thread, bot.Actor{Name: "Mo"}, withFile); err != nil {
		t.Fatalf("a file to a chat that uploads: %v", err)
	}
	th.Messengers[bot.PlatformTelegram] = plainChat{chat}
	if _, err := th.Reply(ctx, c.Thread, bot.Actor{Name: "Mo"}, withFile); bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), "send the link") {
		t.Fatalf("a file to a chat that cannot upload: %v", err)
	}
	th.Messengers[bot.PlatformTelegram] = chat
	chat.FailTo(ana, bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "bot was blocked by the user"))
	if _, err := th.Reply(ctx, c.Thread, bot.Actor{Name: "Mo"}, withFile); err == nil || !strings.Contains(err.Error(), "files do not go by email") {
		t.Fatalf("a file to someone chat cannot reach: %v", err)
	}
	if got := chat.SentTo(ana); len(got) != 1 {
		t.Fatalf("the participant got %d messages, want the first one only", len(got))
	}
}

// TestRepliesAfterTheEventGoByEmail: a participant whose event (the
// contact's event attributes, as the event API sets them) has ended gets
// replies by email, not in chat; the head card names the event and its
// start.
func TestRepliesAfterTheEventGoByEmail(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(t0)
	db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mods, chat, mail := bottest.NewMessenger(bot.PlatformSlack), bottest.NewMessenger(bot.PlatformTelegram), bottest.NewMessenger(bot.PlatformEmail)
	th := threadsOn(t, db, clock, mods, chat)
	th.Email = mail
	settle := relaying(t, db, clock, th, nil)
	ana := bot.Address{Platform: bot.PlatformTelegram, ID: "42"}
	ct, err := th.Contacts.Seen(ctx, ana, "Ana", "ana@example.org", bot.ReachReachable)
	if err != nil {
		t.Fatal(err)
	}
	db.UpdateContact(ctx, ct.ID, func(c *bot.Contact) error {
		c.Attributes = map[string]string{events.Attr: "Spring webinar", events.AttrStart: "2026-12-01 10:00", events.AttrEnd: "2026-12-01T11:30:00Z"}
		return nil
	})
	if _, err := th.Receive(ctx, threads.Incoming{From: ana, ID: "1", Message: bot.Message{Text: "see you at 10"}}); err != nil {
		t.Fatal(err)
	}
	settle()
	head := mods.Sent()[0]
	if !slices.ContainsFunc(head.Message.Fields, func(f bot.Field) bool {
		return f.Label == "Event" && f.Value == "Spring webinar (starts 2026-12-01 10:00 UTC)"
	}) {
		t.Fatalf("the head card: %+v", head.Message.Fields)
	}
	c, _ := db.ConversationByParticipant(ctx, ana)
	// During the event: chat.
	if d, err := th.Reply(ctx, c.Thread, bot.Actor{Name: "Mo"}, bot.Message{Text: "welcome"}); err != nil || !d.Chat || d.EmailTo != "" {
		t.Fatalf("a reply during the event: %+v %v", d, err)
	}
	// After its end: email, not chat.
	clock.Set(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	d, err := th.Reply(ctx, c.Thread, bot.Actor{Name: "Mo"}, bot.Message{Text: "the recording is online"})
	if err != nil || d.Chat || d.EmailTo != "ana@example.org" {
		t.Fatalf("a reply after the event: %+v %v", d, err)
	}
	if got := chat.SentTo(ana); len(got) != 1 {
		t.Fatalf("chat got %d messages, want the one during the event", len(got))
	}
	clock.Advance(10 * time.Minute)
	th.Tick(ctx)
	if got := mail.SentTo(bot.Address{Platform: bot.PlatformEmail, ID: "ana@example.org"}); len(got) != 1 || !strings.Contains(got[0].Text, "recording") {
		t.Fatalf("email got %+v", got)
	}
}

// TestAChannelThatCannotBeMadeSendsTheThreadToTheMainChannel: a lasting
// refusal to make a campaign's or event's channel (a private channel of
// that name, a missing scope) does not hold the participant's messages:
// their thread opens in the main channel, and status says why.
func TestAChannelThatCannotBeMadeSendsTheThreadToTheMainChannel(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(t0)
	db, err := store.Open(filepath.Join(t.TempDir(), "herald.db"), store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mods := &maker{Messenger: bottest.NewMessenger(bot.PlatformSlack), refusing: bot.Errorf(bot.EFORBIDDEN, "missing_scope: channels:manage")}
	chat := bottest.NewMessenger(bot.PlatformTelegram)
	th := threadsOn(t, db, clock, nil, chat)
	th.Moderators, th.ChannelPer, th.ChannelPrefix = mods, "event", "herald-"
	board := &status.Board{Clock: clock}
	th.Board = board
	settle := relaying(t, db, clock, th, nil)
	ana := bot.Address{Platform: bot.PlatformTelegram, ID: "42"}
	if _, err := th.Receive(ctx, threads.Incoming{From: ana, ID: "1", Source: "Spring webinar " + strings.Repeat("very long ", 20), Message: bot.Message{Text: "hi"}}); err != nil {
		t.Fatal(err)
	}
	settle()
	c, _ := db.ConversationByParticipant(ctx, ana)
	if c.Thread.Channel != th.Channel {
		t.Fatalf("the thread is in %v, not the main channel %v", c.Thread.Channel, th.Channel)
	}
	if st := board.Status(); len(st.Errors) != 1 || !strings.Contains(st.Errors[0].Message, "cannot make the channel herald-spring-webinar") {
		t.Fatalf("status: %+v", st.Errors)
	}
}
