package engine

import (
	"context"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/nudges"
	"github.com/heraldchat/herald/bot/personalize"
	"github.com/heraldchat/herald/bot/schedule"
)

// Connected reports whether the engine has a messenger for platform p.
func (e *Engine) Connected(p bot.Platform) bool {
	_, ok := e.Messengers[p]
	return ok
}

// Try sends c's message to one address now, outside c's report (see
// campaigns.Dispatcher): to is resolved as a sending of c would be (an email is
// looked up when c sends on a chat platform), the message personalised
// with attrs, and the platform's limiter waited for. It returns ctx's
// error when ctx ends while waiting; every other failure is in the
// result, with its step. It works whether Run runs or not.
func (e *Engine) Try(ctx context.Context, c *bot.Campaign, to bot.Address, attrs map[string]string) (*bot.TryResult, error) {
	e.init()
	sd := &bot.Sending{Key: to.ID, Attributes: attrs}
	if to.Platform == bot.PlatformEmail && c.Platform != bot.PlatformEmail && c.Nudge == nil {
		sd.Address = bot.Address{}
	} else {
		sd.Address = to
	}
	res := &bot.TryResult{To: to}
	fail := func(step bot.Step, err error) (*bot.TryResult, error) {
		res.Reason, res.Step = bot.ErrorMessage(err), step
		res.ReasonKey, res.ReasonArgs = bot.ErrorKey(err)
		if st := bot.ErrorStep(err); st != "" {
			res.Step = st
		}
		return res, nil
	}
	addr, err := e.resolve(ctx, c, sd)
	if err != nil {
		return fail(bot.StepResolve, err)
	}
	res.To = addr
	m, ok := e.Messengers[addr.Platform]
	if !ok {
		return fail(bot.StepResolve, bot.Errorf(bot.EUNAVAILABLE, "%s is not connected to herald", addr.Platform))
	}
	loc, _ := schedule.Location(c.Schedule)
	if loc == nil {
		loc = time.UTC
	}
	msg, err := personalize.Message(e.message(c), personalize.NewVars(c.KeyColumn, sd.Key, sd.Attributes, c.Defaults, e.Clock.Now().In(loc)))
	if err != nil {
		return fail(bot.StepRender, err)
	}
	if c.Nudge != nil {
		msg = nudges.Signed(c.Nudge, msg)
	}
	if err := e.limiter(addr.Platform).Wait(ctx, addr.String()); err != nil {
		return nil, err
	}
	ref, err := e.send(nil, m, addr, msg)
	if err != nil {
		return fail(bot.StepSend, err)
	}
	res.Delivered, res.Message = true, ref
	return res, nil
}
