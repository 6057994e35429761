package engine

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/webhooks"
)

// WebhookPoster posts one webhook delivery (package webhook): the
// answer's status, its first bytes, and the wait it asked for; an error
// when no answer came (or the address was refused).
type WebhookPoster interface {
	Post(ctx context.Context, w *webhooks.Webhook, signing, auth string, d *webhooks.Delivery, at time.Time) (status int, excerpt string, retryAfter time.Duration, err error)
}

// DefaultWebhookSchedule is when a delivery's attempts are made, each
// after the one before failed: at once, then 5 s, 5 min, 30 min, 2 h,
// 5 h, 10 h and 10 h later (with up to 20% more, at random, so that
// retries of many deliveries spread out).
var DefaultWebhookSchedule = []time.Duration{0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// maxRetryAfter bounds the wait an endpoint may ask for.
const maxRetryAfter = 24 * time.Hour

// Webhooks delivers the webhook outbox: what is due, Workers at a time;
// each batch's outcomes settled in one write. 2xx is delivered; 410 Gone
// disables the endpoint (its waiting deliveries then fail); 5xx, 408, 429
// (its Retry-After honoured) and no answer are tried again on Schedule,
// then given up; any other answer fails at once. Every attempt goes in
// the endpoint's log. Run it once; Wake may be called from any goroutine.
type Webhooks struct {
	Store interface {
		webhooks.Store
	}
	Poster   WebhookPoster
	Clock    clock.Clock
	Log      *slog.Logger
	Workers  int             // 16 when zero
	Schedule []time.Duration // DefaultWebhookSchedule when nil
	Poll     time.Duration   // how often the outbox is read when nothing wakes it: 5 s when zero

	once sync.Once
	wake chan struct{}
}

func (h *Webhooks) init() {
	h.once.Do(func() {
		h.wake = make(chan struct{}, 1)
		if h.Workers <= 0 {
			h.Workers = 16
		}
		if h.Schedule == nil {
			h.Schedule = DefaultWebhookSchedule
		}
		if h.Poll <= 0 {
			h.Poll = 5 * time.Second
		}
		if h.Log == nil {
			h.Log = slog.New(slog.DiscardHandler)
		}
	})
}

// Wake says that deliveries were queued.
func (h *Webhooks) Wake() {
	h.init()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then returns nil.
func (h *Webhooks) Run(ctx context.Context) error {
	h.init()
	for {
		n, err := h.Step(ctx)
		if err != nil && ctx.Err() == nil {
			h.Log.Warn("webhooks", "err", err)
		}
		if n > 0 && err == nil {
			continue // more may be due
		}
		wait := h.Poll
		if next, nerr := h.Store.NextWebhook(ctx); nerr == nil && !next.IsZero() && err == nil {
			wait = min(wait, next.Sub(h.Clock.Now()))
		} // after an error, a poll's wait: the store is not asked again at once
		if err := h.sleep(ctx, wait); err != nil {
			return nil
		}
	}
}

func (h *Webhooks) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := h.Clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-h.wake:
	case <-t.C():
	}
	return nil
}

// outcome is one delivery's attempt.
type outcome struct {
	d     *webhooks.Delivery
	done  bool
	line  *webhooks.Attempt
	gone  bool // 410: the endpoint is disabled
	retry *webhooks.Delivery
}

// Step delivers one batch of what is due and settles it; it returns how
// many deliveries it attempted. Run calls it; tests call it to go one
// batch at a time.
func (h *Webhooks) Step(ctx context.Context) (int, error) {
	h.init()
	// One batch is what is in flight at once: a kill loses the outcomes of
	// at most that many (sent again, with the same webhook-id).
	due, err := h.Store.DueWebhooks(ctx, h.Clock.Now(), h.Workers)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	hooks := map[string]*webhooks.Webhook{}
	secrets := map[string][2]string{}
	for _, d := range due {
		if _, ok := hooks[d.Webhook]; ok {
			continue
		}
		w, err := h.Store.Webhook(ctx, d.Webhook)
		if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
			return 0, err
		}
		hooks[d.Webhook] = w
		if w != nil {
			sign, auth, err := h.Store.WebhookSecrets(ctx, d.Webhook)
			if err != nil {
				return 0, err
			}
			secrets[d.Webhook] = [2]string{sign, auth}
		}
	}
	outs := make([]outcome, len(due))
	sem := make(chan struct{}, h.Workers)
	var wg sync.WaitGroup
	for i, d := range due {
		w := hooks[d.Webhook]
		if w == nil || w.Disabled {
			outs[i] = h.refused(d, w)
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			outs[i] = h.attempt(ctx, w, secrets[d.Webhook], d)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return 0, ctx.Err() // nothing settled: tried again after a restart
	}
	var done []uint64
	var retry []*webhooks.Delivery
	log := map[string][]*webhooks.Attempt{}
	for _, o := range outs {
		if o.done {
			done = append(done, o.d.ID)
		} else {
			retry = append(retry, o.retry)
		}
		if o.line != nil {
			log[o.d.Webhook] = append(log[o.d.Webhook], o.line)
		}
		if o.gone {
			if err := h.disable(ctx, o.d.Webhook); err != nil {
				return 0, err
			}
		}
	}
	return len(due), h.Store.SettleWebhooks(ctx, done, retry, log)
}

// disable turns webhook name off after a 410 Gone, read again first (it
// may have changed or gone since the batch began).
func (h *Webhooks) disable(ctx context.Context, name string) error {
	w, err := h.Store.Webhook(ctx, name)
	if bot.ErrorCode(err) == bot.ENOTFOUND || err == nil && w.Disabled {
		return nil
	}
	if err != nil {
		return err
	}
	w.Disabled, w.DisabledReason = true, "410 Gone at "+h.Clock.Now().UTC().Format("2006-01-02 15:04 UTC")
	h.Log.Warn("webhooks: an endpoint answered 410 Gone and is disabled", "webhook", w.Name)
	return h.Store.PutWebhook(ctx, w)
}

// refused is the outcome of a delivery to a webhook deleted or disabled.
func (h *Webhooks) refused(d *webhooks.Delivery, w *webhooks.Webhook) outcome {
	if w == nil {
		return outcome{d: d, done: true} // deleted: no log to write to
	}
	return outcome{d: d, done: true, line: &webhooks.Attempt{At: h.Clock.Now().UTC(), MsgID: d.MsgID, Attempt: d.Attempt,
		Host: hostOf(w.URL), Error: "endpoint disabled: " + w.DisabledReason, Outcome: "failed"}}
}

// attempt makes d's next attempt and says what comes of it.
func (h *Webhooks) attempt(ctx context.Context, w *webhooks.Webhook, sec [2]string, d *webhooks.Delivery) outcome {
	at := h.Clock.Now().UTC()
	start := time.Now()
	status, excerpt, wait, err := h.Poster.Post(ctx, w, sec[0], sec[1], d, at)
	line := &webhooks.Attempt{At: at, MsgID: d.MsgID, Attempt: d.Attempt + 1, Status: status, Took: time.Since(start), Host: hostOf(w.URL), Excerpt: excerpt}
	o := outcome{d: d, line: line}
	again := false
	switch {
	case err != nil:
		line.Error = bot.ErrorMessage(err)
		again = bot.ErrorCode(err) == bot.EUNAVAILABLE || bot.ErrorCode(err) == bot.EINTERNAL
	case status >= 200 && status < 300:
		line.Outcome, o.done = "delivered", true
		return o
	case status == 410:
		line.Outcome, o.done, o.gone = "disabled", true, true
		return o
	case status >= 500 || status == 408 || status == 429:
		line.Error = "answered " + strconv.Itoa(status)
		again = true
	default:
		line.Error = "answered " + strconv.Itoa(status)
	}
	next := d.Attempt + 1
	if !again || next >= len(h.Schedule) {
		line.Outcome, o.done = "failed", true
		return o
	}
	delay := h.Schedule[next]
	delay += time.Duration(rand.Int64N(int64(delay/5) + 1))
	delay = max(delay, min(wait, maxRetryAfter)) // an endpoint does not park a delivery for a year
	r := *d
	r.Attempt, r.Due, r.LastError = next, at.Add(delay), line.Error
	line.Outcome, o.retry = "retry", &r
	return o
}

// hostOf is a URL's host, what logs may show of it.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "?"
	}
	return u.Host
}
