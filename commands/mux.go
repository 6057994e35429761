package commands

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/suggest"
)

// Request is one command as a surface received it.
type Request struct {
	// Actor is who typed or pressed it.
	Actor bot.Actor
	// Text is what followed /herald (or what the console's box held).
	Text string
	// Files are the files attached to the command, with their Data.
	Files []bot.File
	// Thread is set when the command was typed in a participant thread.
	Thread bot.ThreadRef
	// Signed is set when the request comes from a signed button; the mux
	// checks the signature and puts the command it holds in Text.
	Signed string

	// Set by the mux before the handler runs.
	Name string   // the command's name, e.g. "campaign start"
	Args []string // the words after the name (quotes group words)
	Rest string   // the raw text after the name, line breaks kept
}

// Reply is what a handler answers: neutral messages each surface renders,
// and files to upload.
type Reply struct {
	Messages []bot.Message
	// Private asks surfaces that can to show the reply to the moderator
	// alone (Slack ephemeral messages); errors are private.
	Private bool
	// Created is the campaign the command created; Recipe the recipe.
	Created bot.CampaignID
	Recipe  bot.RecipeID
}

// Say adds a message to the reply.
func (w *Reply) Say(m bot.Message) { w.Messages = append(w.Messages, m) }

// Text adds a plain message of kind k.
func (w *Reply) Text(k bot.Kind, text string) { w.Say(bot.Message{Kind: k, Text: text}) }

// Handler serves one command. Like an http.Handler it writes its answer to
// w, and like nothing in net/http it returns an error, so that failure
// replies are written in one place (Mux.Serve).
type Handler interface {
	ServeCommand(ctx context.Context, w *Reply, r *Request) error
}

// HandlerFunc adapts a function to a Handler.
type HandlerFunc func(ctx context.Context, w *Reply, r *Request) error

// ServeCommand calls f.
func (f HandlerFunc) ServeCommand(ctx context.Context, w *Reply, r *Request) error {
	return f(ctx, w, r)
}

// Command describes one command of the language.
type Command struct {
	Name    string  // words that name it: "campaign start"
	Args    string  // what follows, for the usage line: "ID"
	Example string  // a full example: "campaign start 3"
	Help    TextKey // one line on what it does
	MinArgs int
	MaxArgs int // -1 for any number
	// Changes says the command changes something; the mux logs who ran it.
	Changes bool
	// Secret says the command's arguments carry a secret (a URL with a
	// token, an Authorization header): they are never logged.
	Secret bool
	// InThread says the command is typed in a participant's thread: its
	// first word, written first in a thread, runs it there rather than
	// replying to the participant.
	InThread bool
	Handler  Handler
}

// Usage is the command's usage line.
func (c *Command) Usage() string {
	if c.Args == "" {
		return c.Name
	}
	return c.Name + " " + c.Args
}

// Authorizer says who may run commands.
type Authorizer interface {
	IsModerator(ctx context.Context, a bot.Actor) (bool, error)
}

// Mux parses command lines and dispatches them to their handlers, after
// checking that the actor is a moderator. It is safe for concurrent use
// once every command is registered.
type Mux struct {
	Text   *Text
	Auth   Authorizer
	Signer *Signer
	Log    *slog.Logger

	commands []*Command
}

// Handle registers c. Registering two commands with one name is a wiring
// bug and panics at start.
func (m *Mux) Handle(c *Command) {
	for _, o := range m.commands {
		if o.Name == c.Name {
			panic("commands: two commands named " + c.Name)
		}
	}
	m.commands = append(m.commands, c)
}

// Commands returns the registered commands in name order.
func (m *Mux) Commands() []*Command {
	out := slices.Clone(m.commands)
	slices.SortFunc(out, func(a, b *Command) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// lookup finds the command whose name is the longest run of leading words.
func (m *Mux) lookup(words []string) (*Command, []string) {
	for n := min(len(words), 3); n > 0; n-- {
		name := strings.ToLower(strings.Join(words[:n], " "))
		for _, c := range m.commands {
			if c.Name == name {
				return c, words[n:]
			}
		}
	}
	return nil, words
}

// threadWord reports whether word starts a thread command; more says
// that words follow it. A command that takes no argument is one only
// when written alone: "history of the order…" is a reply.
func (m *Mux) threadWord(word string, more bool) bool {
	for _, c := range m.commands {
		if first, _, _ := strings.Cut(c.Name, " "); c.InThread && first == word && (!more || c.MaxArgs != 0 || strings.Contains(c.Name, " ")) {
			return true
		}
	}
	return false
}

// suggest returns the command names close to what was typed.
func (m *Mux) suggest(words []string) *Command {
	var names []string
	for _, c := range m.commands {
		names = append(names, c.Name)
	}
	for n := min(len(words), 2); n > 0; n-- {
		if s := suggest.Closest(strings.Join(words[:n], " "), names); s != "" {
			c, _ := m.lookup(strings.Fields(s))
			return c
		}
	}
	return nil
}

// Serve runs the request and returns the reply. It never fails: a refusal,
// an unknown command or a handler's error becomes a reply saying what to
// do next.
func (m *Mux) Serve(ctx context.Context, r *Request) *Reply {
	w := &Reply{}
	t := m.Text
	if ok, err := m.Auth.IsModerator(ctx, r.Actor); err != nil || !ok {
		if err != nil {
			m.log().Error("checking a moderator", "actor", r.Actor.String(), "err", err)
		}
		w.Private = true
		w.Text(bot.KindImportant, t.T(TextNotModerator))
		return w
	}
	if r.Signed != "" {
		cmd, err := m.Signer.Verify(r.Signed)
		if err != nil {
			w.Private = true
			w.Text(bot.KindImportant, t.ErrorText(err))
			return w
		}
		r.Text = cmd
	}
	words := Tokenize(r.Text)
	if len(words) == 0 {
		words = []string{"help"}
	}
	c, args := m.lookup(words)
	if c == nil {
		w.Private = true
		msg := t.T(TextUnknownCommand, words[0])
		if s := m.suggest(words); s != nil {
			msg += " " + t.T(TextDidYouMean, s.Usage(), s.Example)
		} else {
			msg += " " + t.T(TextSeeHelp)
		}
		w.Text(bot.KindImportant, msg)
		return w
	}
	r.Name, r.Args = c.Name, args
	r.Rest = restAfter(r.Text, len(strings.Fields(c.Name)))
	if len(args) < c.MinArgs || c.MaxArgs >= 0 && len(args) > c.MaxArgs {
		w.Private = true
		w.Text(bot.KindImportant, t.T(TextUsage, c.Usage(), c.Example))
		return w
	}
	if err := c.Handler.ServeCommand(ctx, w, r); err != nil {
		w.Messages, w.Private = nil, true
		msg := t.ErrorText(err)
		// A refusal of what was typed shows how to type it; a refused
		// file (the command was right) says what is wrong with the file
		// alone.
		if bot.ErrorCode(err) == bot.EINVALID && len(r.Files) == 0 {
			msg += " " + t.T(TextUsage, c.Usage(), c.Example)
		}
		if bot.ErrorCode(err) == bot.EINTERNAL {
			m.log().Error("command failed", "command", c.Name, "actor", r.Actor.String(), "err", err)
		}
		w.Text(bot.KindImportant, msg)
		return w
	}
	if c.Changes {
		shown := strings.Join(args, " ")
		if c.Secret {
			shown = "(not logged: it carries a secret)"
		}
		m.log().Info("command", "command", c.Name, "args", shown, "by", r.Actor.String())
	}
	return w
}

func (m *Mux) log() *slog.Logger {
	if m.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return m.Log
}

// argError is the EINVALID error for a wrong argument.
func argError(format string, args ...any) error {
	return bot.Errorf(bot.EINVALID, format, args...)
}

// argErrorT is argError with the catalogue's text for key: the English
// message for logs, the reader's language on the surface.
func argErrorT(key TextKey, args ...any) error {
	return bot.Errorf(bot.EINVALID, Texts[key][0], args...).Translated(string(key), args...)
}

var _ CommandRunner = (*Mux)(nil)

// RunCommand serves a surface's request (CommandRunner).
func (m *Mux) RunCommand(ctx context.Context, r CommandRequest) bot.CommandReply {
	w := m.Serve(ctx, &Request{Actor: r.Actor, Text: r.Text, Files: r.Files, Thread: r.Thread, Signed: r.Signed})
	return bot.CommandReply{Messages: w.Messages, Private: w.Private, Created: w.Created, Recipe: w.Recipe}
}

// RunFile serves a file uploaded without a command (CommandRunner).
func (m *Mux) RunFile(ctx context.Context, a bot.Actor, f bot.File) bot.CommandReply {
	w := m.ServeFile(ctx, a, f)
	return bot.CommandReply{Messages: w.Messages, Private: w.Private, Created: w.Created, Recipe: w.Recipe}
}
