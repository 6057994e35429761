package bottest

import (
	"context"
	"sync"

	"github.com/heraldchat/herald/bot"
)

var _ bot.CommandRunner = (*Runner)(nil)

// Runner is a fake command language that records what it was asked. It
// answers with Reply when set, and otherwise privately with "ran TEXT"
// (the signed value appended for buttons). A file alone runs as the
// command "file NAME: CONTENT". It is safe for concurrent use.
type Runner struct {
	Reply func(bot.CommandRequest) bot.CommandReply

	mu   sync.Mutex
	reqs []bot.CommandRequest
}

// RunCommand records r and answers it.
func (r *Runner) RunCommand(_ context.Context, req bot.CommandRequest) bot.CommandReply {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	reply := r.Reply
	r.mu.Unlock()
	if reply != nil {
		return reply(req)
	}
	return bot.CommandReply{Private: true, Messages: []bot.Message{{Text: "ran " + req.Text + req.Signed}}}
}

// RunFile records a file sent alone as the command "file NAME: CONTENT".
func (r *Runner) RunFile(ctx context.Context, a bot.Actor, f bot.File) bot.CommandReply {
	return r.RunCommand(ctx, bot.CommandRequest{Actor: a, Text: "file " + f.Name + ": " + string(f.Data), Files: []bot.File{f}})
}

// Requests returns what was asked, in order.
func (r *Runner) Requests() []bot.CommandRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.CommandRequest(nil), r.reqs...)
}
