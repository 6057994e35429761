package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/threads"
)

func outbox(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	thread := bot.ThreadRef{Channel: bot.Address{Platform: bot.PlatformSlack, ID: "CMOD"}, ID: "1.1"}
	posts := []*bot.Outgoing{
		{Class: bot.ClassInteractive, Kind: bot.OutgoingThreadPost, Lane: "conv:1", Platform: bot.PlatformSlack, Thread: thread, Message: bot.Message{Text: "a"}},
		{Class: bot.ClassBulk, Kind: bot.OutgoingMessage, Platform: bot.PlatformTelegram, To: anaT, Message: bot.Message{Text: "b"}, Due: epoch.Add(time.Hour)},
		{Class: bot.ClassInteractive, Kind: bot.OutgoingEdit, Platform: bot.PlatformSlack, Edit: bot.MessageRef{Channel: thread.Channel, ID: "9.9"}, Message: bot.Message{Text: "c"}},
	}
	if err := db.Enqueue(ctx, posts); err != nil {
		t.Fatal(err)
	}
	if posts[0].ID == 0 || posts[1].ID <= posts[0].ID || posts[2].ID <= posts[1].ID {
		t.Fatalf("ids not set in order: %d %d %d", posts[0].ID, posts[1].ID, posts[2].ID)
	}
	if !posts[0].Due.Equal(epoch) || !posts[0].CreatedAt.Equal(epoch) || !posts[1].Due.Equal(epoch.Add(time.Hour)) {
		t.Fatalf("due and created not stamped: %+v", posts[:2])
	}
	code(t, db.Enqueue(ctx, []*bot.Outgoing{{Message: bot.Message{Text: "nowhere"}}}), bot.EINVALID)
	depth := func(want map[bot.Platform]int) {
		t.Helper()
		got, err := db.OutboxDepth(ctx)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("outbox depth = %v, %v; want %v", got, err, want)
		}
	}
	depth(map[bot.Platform]int{bot.PlatformSlack: 2, bot.PlatformTelegram: 1})

	all, err := db.Outbox(ctx, 0, 0)
	if err != nil || len(all) != 3 || !reflect.DeepEqual(all[0], posts[0]) || !reflect.DeepEqual(all[2], posts[2]) {
		t.Fatalf("outbox: %+v, %v", all, err)
	}
	page, _ := db.Outbox(ctx, posts[0].ID, 1)
	if len(page) != 1 || page[0].ID != posts[1].ID {
		t.Fatalf("page after the first: %+v", page)
	}

	// One posted, one to try again later: both in one transaction.
	retry := *posts[1]
	retry.Tries, retry.LastError, retry.Due = 1, "telegram asked to slow down", epoch.Add(2*time.Hour)
	if err := db.Settle(ctx, []uint64{posts[0].ID}, []*bot.Outgoing{&retry}); err != nil {
		t.Fatal(err)
	}
	all, _ = db.Outbox(ctx, 0, 0)
	if len(all) != 2 || !reflect.DeepEqual(all[0], &retry) {
		t.Fatalf("after settle: %+v", all)
	}
	// Settling twice is settling once; a retry of a post that is gone
	// is refused and changes nothing.
	ghost := retry
	ghost.ID = 999
	code(t, db.Settle(ctx, []uint64{posts[1].ID}, []*bot.Outgoing{&ghost}), bot.ENOTFOUND)
	if all, _ = db.Outbox(ctx, 0, 0); len(all) != 2 {
		t.Fatalf("a refused settle changed the outbox: %+v", all)
	}
	depth(map[bot.Platform]int{bot.PlatformSlack: 1, bot.PlatformTelegram: 1})
	if err := db.Settle(ctx, []uint64{posts[0].ID, posts[1].ID, posts[2].ID}, nil); err != nil {
		t.Fatal(err)
	}
	if all, _ = db.Outbox(ctx, 0, 0); len(all) != 0 {
		t.Fatalf("outbox not empty: %+v", all)
	}
	// Posts settled twice are counted out once.
	if err := db.Settle(ctx, []uint64{posts[0].ID, posts[1].ID}, nil); err != nil {
		t.Fatal(err)
	}
	depth(map[bot.Platform]int{})
	// Sequences never go back: a new post comes after every old one.
	next := &bot.Outgoing{Platform: bot.PlatformWeb, Kind: bot.OutgoingMessage, To: anaT}
	db.Enqueue(ctx, []*bot.Outgoing{next})
	if next.ID <= posts[2].ID {
		t.Fatalf("a new post got id %d after %d", next.ID, posts[2].ID)
	}
}

func intake(t *testing.T, opener Opener) {
	ctx := context.Background()
	clock := bottest.NewClock(Epoch)
	db := opener(t, clock)
	relay := func(text string) *bot.Outgoing {
		return &bot.Outgoing{Kind: bot.OutgoingRelay, Lane: "conv", Platform: bot.PlatformSlack, Message: bot.Message{Text: text}}
	}
	then := func(text string) (func(*bot.Conversation, bool) ([]*bot.Outgoing, []*bot.Event), *[]*bot.Outgoing, *[]*bot.Event) {
		var posts []*bot.Outgoing
		var events []*bot.Event
		return func(c *bot.Conversation, created bool) ([]*bot.Outgoing, []*bot.Event) {
			posts = []*bot.Outgoing{relay(text)}
			events = []*bot.Event{{Type: bot.EventMessageReceived, Subject: anaT}}
			if created {
				events = append(events, &bot.Event{Type: bot.EventParticipantJoined, Subject: anaT})
			}
			return posts, events
		}, &posts, &events
	}
	thenFirst, posts, events := then("hello")
	first := &threads.Intake{
		Key: "telegram:m1", Participant: anaT,
		Init:   func(c *bot.Conversation) { c.Source = "webinar" },
		Update: func(c *bot.Conversation) error { c.LastMessageAt = clock.Now(); return nil },
		Then:   thenFirst,
	}
	c, created, dup, err := db.Take(ctx, first)
	if err != nil || !created || dup || c.Source != "webinar" || !c.LastMessageAt.Equal(epoch) {
		t.Fatalf("first take: %+v %v %v %v", c, created, dup, err)
	}
	if len(*events) != 2 || (*posts)[0].ConversationID != c.ID || (*events)[0].ConversationID != c.ID || (*events)[0].Seq == 0 {
		t.Fatalf("post and events not tied to the conversation: %+v %+v", *posts, *events)
	}
	if taken, err := db.IntakeTaken(ctx, "telegram:m1"); err != nil || !taken {
		t.Fatalf("IntakeTaken of a taken key = %v, %v", taken, err)
	}
	if taken, err := db.IntakeTaken(ctx, "telegram:m9"); err != nil || taken {
		t.Fatalf("IntakeTaken of a key never taken = %v, %v", taken, err)
	}
	// The platform delivers the same message again: nothing is written.
	thenAgain, _, _ := then("hello")
	again := &threads.Intake{Key: "telegram:m1", Participant: anaT, Then: thenAgain}
	if c2, created, dup, err := db.Take(ctx, again); err != nil || !dup || created || c2 != nil {
		t.Fatalf("redelivery: %+v %v %v %v", c2, created, dup, err)
	}
	// A failing change writes nothing, and does not take the key.
	thenLost, _, _ := then("lost?")
	failing := &threads.Intake{Key: "telegram:m2", Participant: bob, Update: func(*bot.Conversation) error { return bot.Errorf(bot.ECONFLICT, "no") },
		Then: thenLost}
	if _, _, _, err := db.Take(ctx, failing); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("failing update: %v", err)
	}
	if _, err := db.ConversationByParticipant(ctx, bob); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("a failed intake left a conversation: %v", err)
	}
	thenSecond, _, _ := then("second")
	second := &threads.Intake{Key: "telegram:m2", Participant: anaT, Then: thenSecond}
	if c2, created, dup, err := db.Take(ctx, second); err != nil || dup || created || c2.ID != c.ID {
		t.Fatalf("second message: %+v %v %v %v", c2, created, dup, err)
	}
	queued, _ := db.Outbox(ctx, 0, 0)
	if len(queued) != 2 || queued[0].Message.Text != "hello" || queued[1].Message.Text != "second" {
		t.Fatalf("outbox after intakes: %+v", queued)
	}
	evs, _ := db.Events(ctx, 0, 0)
	if len(evs) != 3 {
		t.Fatalf("events: %+v", evs)
	}
	// Keys are forgotten after KeyTTL.
	clock.Advance(bot.KeyTTL + time.Minute)
	if taken, err := db.IntakeTaken(ctx, "telegram:m1"); err != nil || taken {
		t.Fatalf("IntakeTaken of a key older than KeyTTL = %v, %v", taken, err)
	}
	if _, _, dup, err := db.Take(ctx, &threads.Intake{Key: "telegram:m1", Participant: anaT}); err != nil || dup {
		t.Fatalf("a key older than KeyTTL still taken: %v %v", dup, err)
	}
	_, _, _, err = db.Take(ctx, &threads.Intake{Key: "x"})
	code(t, err, bot.EINVALID)
	intakeCopy(t, ctx, db)
	postOnce(t, ctx, db, clock)
}

// postOnce: a post kept under a key is kept once within KeyTTL (a
// campaign message to the web chat, sent again after a crash).
func postOnce(t *testing.T, ctx context.Context, db Store, clock *bottest.Clock) {
	web := bot.Address{Platform: bot.PlatformWeb, ID: "v9"}
	send := func(key string) (*bot.Post, bool) {
		p := &bot.Post{Channel: web, Message: bot.Message{Text: "Hello " + key}}
		already, err := db.AppendPostOnce(ctx, p, key)
		if err != nil {
			t.Fatal(err)
		}
		return p, already
	}
	first, already := send("h1.1")
	if already || first.ID == 0 {
		t.Fatalf("first: %+v %v", first, already)
	}
	again, already := send("h1.1")
	if !already || again.ID != first.ID {
		t.Fatalf("again: %+v %v", again, already)
	}
	if other, already := send("h1.2"); already || other.ID == first.ID {
		t.Fatalf("another key: %+v %v", other, already)
	}
	if posts, _ := db.Posts(ctx, web, "", 0, 0); len(posts) != 2 {
		t.Fatalf("posts: %+v", posts)
	}
	clock.Advance(bot.KeyTTL + time.Minute)
	if _, already := send("h1.1"); already {
		t.Fatal("a key older than KeyTTL still kept the post from going")
	}
	_, err := db.AppendPostOnce(ctx, &bot.Post{Channel: web}, "")
	code(t, err, bot.EINVALID)
}

// intakeCopy: a participant's own copy of their message is kept with the
// intake, before the relay is built (which then names the copy's files),
// and not again when the message is delivered again.
func intakeCopy(t *testing.T, ctx context.Context, db Store) {
	web := bot.Address{Platform: bot.PlatformWeb, ID: "v1"}
	take := func() (*bot.Post, []*bot.Outgoing, bool) {
		files := []bot.File{{Name: "a.txt", Data: []byte("abc")}}
		cp := &bot.Post{Channel: web, Message: bot.Message{Text: "with a file", Files: files}}
		var relays []*bot.Outgoing
		_, _, dup, err := db.Take(ctx, &threads.Intake{Key: "web:v1:c1", Participant: web, Copy: cp,
			Then: func(*bot.Conversation, bool) ([]*bot.Outgoing, []*bot.Event) {
				relays = []*bot.Outgoing{{Kind: bot.OutgoingRelay, Platform: bot.PlatformWeb, Message: bot.Message{Text: "with a file", Files: files}}}
				return relays, nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		return cp, relays, dup
	}
	cp, relays, dup := take()
	if dup || cp.ID == 0 || cp.At.IsZero() || cp.Message.Files[0].ID == "" || relays[0].Message.Files[0].ID != cp.Message.Files[0].ID {
		t.Fatalf("copy %+v, relay %+v, dup %v", cp, relays, dup)
	}
	if f, ch, err := db.PostFile(ctx, cp.Message.Files[0].ID); err != nil || string(f.Data) != "abc" || ch != web {
		t.Fatalf("the copy's file: %+v %v %v", f, ch, err)
	}
	// The file is stored once: the relay names it, and the size counts it
	// once.
	if n, err := db.PostFilesSize(ctx); err != nil || n != 3 {
		t.Fatalf("files' bytes: %d %v", n, err)
	}
	if again, _, dup := take(); !dup || again.ID != 0 {
		t.Fatalf("delivered again: %+v %v", again, dup)
	}
	if posts, _ := db.Posts(ctx, web, "", 0, 0); len(posts) != 1 || posts[0].Message.Text != "with a file" {
		t.Fatalf("posts: %+v", posts)
	}
	_, _, _, err := db.Take(ctx, &threads.Intake{Participant: web, Copy: &bot.Post{}})
	code(t, err, bot.EINVALID)
}
