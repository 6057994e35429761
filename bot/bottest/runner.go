package bottest

import (
	"context"
	"slices"
	"sync"

	"github.com/heraldchat/herald/bot"
)

var _ bot.InboundHandler = (*Runner)(nil)

// Request is a command the Runner ran: the command's text, or a pressed
// button's signed value, with who ran it, its files and the thread it was
// typed in.
type Request struct {
	Actor  bot.Actor
	Text   string
	Files  []bot.File
	Thread bot.ThreadRef
	Signed string
}

// Runner is a fake command language that records what it was asked. It
// answers with Reply when set, and otherwise privately with "ran TEXT"
// (the signed value appended for buttons). A file alone runs as the
// command "file NAME: CONTENT". As a bot.InboundHandler it records every
// event (Inbound) and runs commands, buttons, files and forms (as the
// command "form NAME k=v …", keys sorted) the same way; other events get
// Answer's reply when set, and none otherwise. It is safe for concurrent
// use.
type Runner struct {
	Reply func(Request) bot.CommandReply
	// Answer, when set, answers the events that are not commands.
	Answer func(bot.Inbound) bot.InboundReply
	// Forms, when set, is what a command asks to open: Handle returns
	// Forms(in) as InboundReply.Form when it is one of in.Forms.
	Forms func(in bot.Inbound) string

	mu   sync.Mutex
	reqs []Request
	ins  []bot.Inbound
}

// Handle records in and answers it (bot.InboundHandler).
func (r *Runner) Handle(ctx context.Context, in bot.Inbound) (bot.InboundReply, error) {
	r.mu.Lock()
	r.ins = append(r.ins, in)
	answer, forms := r.Answer, r.Forms
	r.mu.Unlock()
	one := func(c bot.CommandReply) (bot.InboundReply, error) {
		return bot.InboundReply{Replies: []bot.CommandReply{c}}, nil
	}
	switch in.Kind {
	case bot.InboundCommand:
		if forms != nil {
			if f := forms(in); f != "" && slices.Contains(in.Forms, f) {
				return bot.InboundReply{Form: f}, nil
			}
		}
		return one(r.run(ctx, Request{Actor: in.From, Text: in.Text, Files: in.Files, Thread: in.Thread}))
	case bot.InboundButton:
		return one(r.run(ctx, Request{Actor: in.From, Signed: in.Signed, Thread: in.Thread}))
	case bot.InboundFile:
		var out bot.InboundReply
		for _, f := range in.Files {
			out.Replies = append(out.Replies, r.runFile(ctx, in.From, f))
		}
		return out, nil
	case bot.InboundForm:
		keys := make([]string, 0, len(in.Fields))
		for k := range in.Fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		text := "form " + in.Form
		for _, k := range keys {
			text += " " + k + "=" + in.Fields[k]
		}
		return one(r.run(ctx, Request{Actor: in.From, Text: text, Files: in.Files}))
	}
	if answer != nil {
		return answer(in), nil
	}
	return bot.InboundReply{}, nil
}

// Inbound returns the events handed to Handle, in order.
func (r *Runner) Inbound() []bot.Inbound {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Inbound(nil), r.ins...)
}

// InboundOf returns the events of kind k handed to Handle, in order.
func (r *Runner) InboundOf(k bot.InboundKind) []bot.Inbound {
	var out []bot.Inbound
	for _, in := range r.Inbound() {
		if in.Kind == k {
			out = append(out, in)
		}
	}
	return out
}

// run records req and answers it.
func (r *Runner) run(_ context.Context, req Request) bot.CommandReply {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	reply := r.Reply
	r.mu.Unlock()
	if reply != nil {
		return reply(req)
	}
	return bot.CommandReply{Private: true, Messages: []bot.Message{{Text: "ran " + req.Text + req.Signed}}}
}

// runFile records a file sent alone as the command "file NAME: CONTENT".
func (r *Runner) runFile(ctx context.Context, a bot.Actor, f bot.File) bot.CommandReply {
	return r.run(ctx, Request{Actor: a, Text: "file " + f.Name + ": " + string(f.Data), Files: []bot.File{f}})
}

// Requests returns what was asked, in order.
func (r *Runner) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.reqs...)
}
