package engine

import (
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/schedule"
)

// quickRetries is how many times a send that failed for a passing reason
// (5xx, timeout, reset) is tried again at once, with backoff and jitter,
// before it waits for the next step of the retry ladder.
const quickRetries = 3

// deliver sends one due sending: resolve the address, check presence when
// asked, personalise, wait for the chat's turn, record in_flight, wait for
// the platform's overall token, take one of the engine's send slots, send,
// and record the outcome. A
// sending whose campaign was paused or cancelled meanwhile is left as it
// is recorded.
func (e *Engine) deliver(ctx context.Context, w *worker, it *queued) {
	s := it.s
	ref := sendingRef{s.CampaignID, s.ID}
	e.mu.Lock()
	a := e.active[s.CampaignID]
	if a == nil || a.gen != it.gen || a.state != bot.CampaignRunning || e.busy[ref] {
		e.mu.Unlock()
		return
	}
	e.busy[ref] = true
	c, msgT, loc := a.c, a.msg, a.loc
	e.mu.Unlock()
	settled := false // set once the outcome or next step is submitted
	reland := false  // rescheduled, written: let go through landed
	defer func() {
		if reland {
			e.landed(s.CampaignID, []*bot.Sending{s}, &ref)
			return
		}
		e.mu.Lock()
		delete(e.busy, ref)
		a := e.active[s.CampaignID]
		requeue := !settled && ctx.Err() == nil && a != nil && a.state == bot.CampaignRunning && a.gen != it.gen
		gen := uint64(0)
		if a != nil {
			gen = a.gen
		}
		e.mu.Unlock()
		if requeue {
			// Paused and resumed while this worker held it: the reload
			// skipped it, so queue it for the new run.
			e.enqueue(s, gen, e.Clock.Now())
		}
	}()

	if c.Nudge != nil {
		reason, err := e.nudgeStop(ctx, c, s)
		if err != nil {
			settled = true
			reland = e.failed(s, c, bot.StepResolve, err)
			return
		}
		if reason != "" {
			settled = true
			s.State, s.Reason = bot.SendingSkipped, reason
			e.submit(s, false)
			return
		}
	}
	addr, err := e.resolve(ctx, c, s)
	if err != nil {
		settled = true
		reland = e.failed(s, c, bot.StepResolve, err)
		return
	}
	s.Address = addr
	m, ok := e.Messengers[addr.Platform]
	if !ok {
		settled = true
		reland = e.failed(s, c, bot.StepResolve, bot.StepErrorf(bot.StepResolve, bot.EUNAVAILABLE, "%s is not connected to herald", addr.Platform))
		return
	}
	if c.Schedule.OnlyWhenActive {
		if pr, ok := m.(bot.PresenceReader); ok {
			if p, err := pr.Presence(ctx, addr); err == nil && p == bot.PresenceAway {
				settled = true
				reland = e.retryLater(s, c, "away")
				return
			}
		}
	}
	at := e.Clock.Now().Truncate(time.Second) // a tracked link's token keeps it to the second
	msg, err := e.render(msgT, c, s, at.In(loc))
	if err != nil {
		settled = true
		reland = e.failed(s, c, bot.StepRender, err)
		return
	}
	if e.Track != nil {
		msg = e.Track(c, s, at, msg)
	}

	lim := e.limiter(addr.Platform)
	chat := lim.chatKey(addr)
	for quick := 0; ; {
		if err := lim.WaitChat(ctx, chat); err != nil {
			return // stopping: the record still says scheduled
		}
		if _, ok := e.live(s.CampaignID, it.gen); !ok {
			if s.State == bot.SendingInFlight { // held back by a 429, then paused
				s.State, s.NextAt = bot.SendingScheduled, e.Clock.Now()
				e.submit(s, false)
				settled = false
			}
			return
		}
		if s.State != bot.SendingInFlight {
			s.State = bot.SendingInFlight
			if err := e.mark(s, w.marked); err != nil {
				return
			}
			settled = true // in flight: this worker records what happens
		}
		// The overall token last, right before the call: recording in
		// flight takes a commit, whose time varies, and the platform
		// counts posts by when they arrive.
		if err := lim.WaitToken(ctx, bot.ClassBulk); err != nil {
			s.State = bot.SendingScheduled // stopping: not sent, not resent
			e.submit(s, false)
			return
		}
		e.sendSlots <- struct{}{}
		ref, reconciled, err := e.sendKeyed(&w.calls, m, addr, msg, s)
		<-e.sendSlots
		e.tell(addr.Platform, err)
		if err == nil {
			if reconciled {
				s.Resent = false // it reached the person once
			}
			s.State, s.SentAt, s.Message, s.Step, s.Error = bot.SendingSent, e.Clock.Now().UTC(), ref, "", ""
			e.submit(s, false)
			return
		}
		if d, ok := bot.ErrorRetryAfter(err); ok {
			lim.Pause(d) // a 429 is the platform's pace, not a failure
			continue
		}
		if bot.ErrorCode(err) != bot.EUNAVAILABLE {
			step := bot.ErrorStep(err)
			if step == "" {
				step = bot.StepSend
			}
			reland = e.failed(s, c, step, err)
			return
		}
		if quick < quickRetries {
			if e.backoff(ctx, quick) != nil {
				return // stopping: in flight, resent at the next start
			}
			quick++
			continue
		}
		reland = e.retryLater(s, c, bot.ErrorMessage(err))
		return
	}
}

// tell passes the outcome of one call to the platform to Sent.
func (e *Engine) tell(p bot.Platform, err error) {
	if e.Sent == nil {
		return
	}
	outcome := "sent"
	if err != nil {
		switch _, limited := bot.ErrorRetryAfter(err); {
		case limited:
			outcome = "rate_limited"
		case bot.ErrorCode(err) == bot.EUNAVAILABLE:
			outcome = "retry"
		default:
			outcome = "failed"
		}
	}
	e.Sent(p, outcome)
}

// sendKeyed sends a campaign message, with the sending's key when the
// platform takes one (OnceSender). reconciled reports that s was in flight
// at the last stop and the platform still remembered keys then: the
// message reached the person once, whether the first send had arrived or
// not.
func (e *Engine) sendKeyed(g *callGuard, m bot.Messenger, to bot.Address, msg bot.Message, s *bot.Sending) (ref bot.MessageRef, reconciled bool, err error) {
	once, ok := m.(OnceSender)
	if !ok {
		ref, err = e.send(g, m, to, msg)
		return ref, false, err
	}
	var already bool
	ref, err = e.call(g, to, func(ctx context.Context) (bot.MessageRef, error) {
		ref, a, err := once.SendOnce(ctx, to, msg, onceKey(s))
		already = a
		return ref, err
	})
	if err != nil || !s.Resent {
		return ref, false, err
	}
	if e.Clock.Now().Sub(e.stoppedAt) > once.OnceWindow() {
		return ref, false, nil // the platform may have forgotten the key
	}
	e.Log.Info("campaign engine: a sending in flight at the last stop reconciled with the platform",
		"campaign", s.CampaignID, "sending", s.ID, "had_arrived", already)
	return ref, true, nil
}

// send calls the platform with the engine's timeout: a context of its
// own, or the worker's guard when g is set. A timeout is a passing
// failure.
func (e *Engine) send(g *callGuard, m bot.Messenger, to bot.Address, msg bot.Message) (bot.MessageRef, error) {
	if b, ok := m.(bulkSender); ok {
		return e.call(g, to, func(ctx context.Context) (bot.MessageRef, error) { return b.SendBulk(ctx, to, msg) })
	}
	return e.call(g, to, func(ctx context.Context) (bot.MessageRef, error) { return m.Send(ctx, to, msg) })
}

// bulkSender is a messenger that lets a campaign's message wait behind
// interactive posts (answers, relays) where it queues on its own (Teams'
// gates): Send is for those, SendBulk for a campaign's messages.
type bulkSender interface {
	SendBulk(ctx context.Context, to bot.Address, m bot.Message) (bot.MessageRef, error)
}

// call runs one platform call with the engine's timeout (see send).
func (e *Engine) call(g *callGuard, to bot.Address, fn func(ctx context.Context) (bot.MessageRef, error)) (bot.MessageRef, error) {
	var ctx context.Context
	if g != nil {
		ctx = g.begin(time.Now().Add(e.SendTimeout))
		defer g.end()
	} else {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), e.SendTimeout)
		defer cancel()
	}
	ref, err := fn(ctx)
	if err != nil && ctx.Err() != nil {
		return ref, bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "%s did not answer within %s", to.Platform, e.SendTimeout)
	}
	if err != nil && bot.ErrorCode(err) == bot.EINTERNAL {
		// A failure the adapter did not classify (a reset connection,
		// say): worth another try.
		return ref, &bot.Error{Code: bot.EUNAVAILABLE, Message: "the platform call failed", Err: err, Step: bot.StepSend}
	}
	return ref, err
}

// worker is what one of the engine's delivering goroutines keeps from one
// sending to the next.
type worker struct {
	calls  callGuard
	marked chan error // receives the outcome of this worker's in-flight marks
}

// callGuard bounds one worker's platform calls without a timer per call:
// the engine's watchdog checks every guard ten times per SendTimeout and
// cancels the call that outlasted its deadline. A cancelled guard makes a
// fresh context for the next call. Timeouts are in real time, like the
// platforms' own.
type callGuard struct {
	mu       sync.Mutex
	ctx      context.Context
	cancel   context.CancelFunc
	deadline time.Time // zero when no call is in progress
}

// begin starts a call that must end by deadline and returns its context.
func (g *callGuard) begin(deadline time.Time) context.Context {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ctx == nil || g.ctx.Err() != nil {
		g.ctx, g.cancel = context.WithCancel(context.Background())
	}
	g.deadline = deadline
	return g.ctx
}

// end ends the call in progress.
func (g *callGuard) end() {
	g.mu.Lock()
	g.deadline = time.Time{}
	g.mu.Unlock()
}

// expire cancels the call in progress if its deadline is past.
func (g *callGuard) expire(now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.deadline.IsZero() && !now.Before(g.deadline) {
		g.cancel()
		g.deadline = time.Time{}
	}
}

// watch expires the workers' overdue calls until stop is closed.
func (e *Engine) watch(workers []*worker, stop <-chan struct{}) {
	t := time.NewTicker(max(e.SendTimeout/10, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			for _, w := range workers {
				w.calls.expire(now)
			}
		}
	}
}

// backoff sleeps before quick retry n: 0.5s, 1s, 2s, each ±50%.
func (e *Engine) backoff(ctx context.Context, n int) error {
	return clock.Sleep(ctx, e.Clock, time.Duration(float64(500*time.Millisecond<<n)*(0.5+rand.Float64())))
}

// retryLater moves s to the next step of the retry ladder, or fails it at
// StepDeliver when the ladder is over. It reports whether s was
// rescheduled, durably: its worker then lets it go through landed.
func (e *Engine) retryLater(s *bot.Sending, c *bot.Campaign, reason string) bool {
	s.Attempts++
	next, ok := schedule.AttemptAt(c.Schedule, s.PlannedAt, s.Attempts)
	if !ok {
		s.State, s.Step = bot.SendingFailed, bot.StepDeliver
		s.Error = "not delivered after " + itoa(s.Attempts) + " attempts: " + reason
		e.submit(s, false)
		return false
	}
	if now := e.Clock.Now(); next.Before(now) {
		next = now
	}
	s.State, s.NextAt, s.Error = bot.SendingScheduled, next, reason
	return e.submit(s, true) == nil
}

// failed records that s cannot be delivered; a passing failure goes to the
// retry ladder instead (see retryLater for what it reports).
func (e *Engine) failed(s *bot.Sending, c *bot.Campaign, step bot.Step, err error) bool {
	if bot.ErrorCode(err) == bot.EUNAVAILABLE {
		return e.retryLater(s, c, bot.ErrorMessage(err))
	}
	if st := bot.ErrorStep(err); st != "" {
		step = st
	}
	s.State, s.Step, s.Error = bot.SendingFailed, step, bot.ErrorMessage(err)
	e.submit(s, false)
	if r := bot.ErrorReach(err); r != bot.ReachUnknown && e.Reached != nil && !s.Address.IsZero() {
		e.Reached(context.Background(), s.Address, r)
	}
	return false
}

// onceKey is the key a sending's message carries to a platform that
// refuses a second message with the same key (OnceSender): at most 25
// characters, as Discord's nonce holds.
func onceKey(s *bot.Sending) string {
	return "h" + strconv.FormatUint(uint64(s.CampaignID), 36) + "." + strconv.FormatUint(uint64(s.ID), 36)
}
