// Package fakeplatform is a chat platform on loopback for the benchmarks:
// one endpoint that accepts messages, optionally enforcing an overall rate
// and a per-chat rate the way Telegram documents them (429 with
// retry_after beyond), and remembering every message it accepted. Its
// Messenger is a bot.Messenger that talks to it over HTTP.
package fakeplatform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heraldchat/herald/bot"
)

// Limits the fake enforces; zero values mean none.
type Limits struct {
	PerSecond int           // messages in any one-second window
	PerChat   time.Duration // least time between two messages to a chat
}

// Server is the fake platform.
type Server struct {
	limits Limits
	srv    *http.Server
	ln     net.Listener

	mu       sync.Mutex
	window   []time.Time // accepted sends in the last second
	lastChat map[string]time.Time
	got      map[string]int // messages per chat
	keys     map[string]bool
	accepted atomic.Int64
	rejected atomic.Int64
	first    time.Time
	last     time.Time
}

// message is what the fake accepts.
type message struct {
	ChatID string `json:"chat_id"`
	Text   string `json:"text"`
	// Key, when set, makes a second message with the same key a no-op
	// answered like the first (as Discord's enforced nonce).
	Key string `json:"key,omitempty"`
}

// Start runs a fake on a free loopback port.
func Start(l Limits) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{limits: l, ln: ln, lastChat: map[string]time.Time{}, got: map[string]int{}, keys: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sendMessage", s.send)
	s.srv = &http.Server{Handler: mux}
	go s.srv.Serve(ln)
	return s, nil
}

// URL is the fake's base URL.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops the fake.
func (s *Server) Close() error { return s.srv.Close() }

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	var m message
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m.ChatID == "" {
		http.Error(w, `{"ok":false,"description":"Bad Request: chat_id is empty"}`, http.StatusBadRequest)
		return
	}
	now := time.Now()
	s.mu.Lock()
	if m.Key != "" && s.keys[m.Key] {
		s.mu.Unlock()
		fmt.Fprint(w, `{"ok":true,"result":{"message_id":0,"already":true}}`)
		return
	}
	if wait := s.limitLocked(now, m.ChatID); wait > 0 {
		s.mu.Unlock()
		s.rejected.Add(1)
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprintf(w, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after %d","parameters":{"retry_after":%d}}`, secs, secs)
		return
	}
	s.got[m.ChatID]++
	if m.Key != "" {
		s.keys[m.Key] = true
	}
	if s.first.IsZero() {
		s.first = now
	}
	s.last = now
	id := s.accepted.Add(1)
	s.mu.Unlock()
	fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d}}`, id)
}

// limitLocked returns how long the sender must wait, or 0 and records the
// send.
func (s *Server) limitLocked(now time.Time, chat string) time.Duration {
	if s.limits.PerChat > 0 {
		if last, ok := s.lastChat[chat]; ok && now.Sub(last) < s.limits.PerChat {
			return s.limits.PerChat - now.Sub(last)
		}
	}
	if s.limits.PerSecond > 0 {
		cut := 0
		for cut < len(s.window) && now.Sub(s.window[cut]) >= time.Second {
			cut++
		}
		s.window = s.window[cut:]
		if len(s.window) >= s.limits.PerSecond {
			return time.Second - now.Sub(s.window[0])
		}
		s.window = append(s.window, now)
	}
	if s.limits.PerChat > 0 {
		s.lastChat[chat] = now
	}
	return 0
}

// Stats are what the fake saw.
type Stats struct {
	Accepted, Rejected int64
	Chats              int
	Duplicates         int64 // messages beyond the first per chat
	First, Last        time.Time
}

// Stats returns what the fake saw so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Accepted: s.accepted.Load(), Rejected: s.rejected.Load(), Chats: len(s.got), First: s.first, Last: s.last}
	for _, n := range s.got {
		st.Duplicates += int64(n - 1)
	}
	return st
}

// Received reports how many messages chat got.
func (s *Server) Received(chat string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[chat]
}

// Reset forgets everything the fake saw.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.window, s.lastChat, s.got, s.keys = nil, map[string]time.Time{}, map[string]int{}, map[string]bool{}
	s.accepted.Store(0)
	s.rejected.Store(0)
	s.first, s.last = time.Time{}, time.Time{}
}

// Client returns an HTTP client that keeps up to conns connections to the
// fake open.
func Client(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
}

// Post sends one message to the fake at url and returns the status code.
func Post(ctx context.Context, c *http.Client, url, chat, text string) (int, http.Header, error) {
	return PostKeyed(ctx, c, url, chat, text, "")
}

// PostKeyed is Post with a key (none when empty).
func PostKeyed(ctx context.Context, c *http.Client, url, chat, text, key string) (int, http.Header, error) {
	body, _ := json.Marshal(message{ChatID: chat, Text: text, Key: key})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/sendMessage", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header, nil
}

// Messenger is a bot.Messenger for the fake, as a platform adapter would
// be: 429 becomes bot.RateLimited, 5xx and network errors EUNAVAILABLE,
// other refusals permanent failures at the send step.
type Messenger struct {
	Platform_ bot.Platform
	URL       string
	Client    *http.Client
}

var _ bot.Messenger = (*Messenger)(nil)

// Platform returns the platform the fake stands for.
func (m *Messenger) Platform() bot.Platform { return m.Platform_ }

// Send posts the message's text to the chat.
func (m *Messenger) Send(ctx context.Context, to bot.Address, msg bot.Message) (bot.MessageRef, error) {
	return m.send(ctx, to, msg, "")
}

func (m *Messenger) send(ctx context.Context, to bot.Address, msg bot.Message, key string) (bot.MessageRef, error) {
	code, h, err := PostKeyed(ctx, m.Client, m.URL, to.ID, msg.Text, key)
	switch {
	case err != nil:
		return bot.MessageRef{}, bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "the platform did not answer: %v", err)
	case code == http.StatusTooManyRequests:
		secs, _ := strconv.Atoi(h.Get("Retry-After"))
		return bot.MessageRef{}, bot.RateLimited(m.Platform_, time.Duration(max(secs, 1))*time.Second)
	case code >= 500:
		return bot.MessageRef{}, bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "the platform answered %d", code)
	case code != http.StatusOK:
		return bot.MessageRef{}, bot.StepErrorf(bot.StepSend, bot.EINVALID, "the platform refused the message (%d)", code)
	}
	return bot.MessageRef{Channel: to}, nil
}

// OnceMessenger is the Messenger of a fake that takes keys (a
// bot.OnceSender): the platform refuses a second message with a key it
// has seen, for the whole run.
type OnceMessenger struct{ Messenger }

var _ bot.OnceSender = (*OnceMessenger)(nil)

// SendOnce posts the message with key.
func (m *OnceMessenger) SendOnce(ctx context.Context, to bot.Address, msg bot.Message, key string) (bot.MessageRef, bool, error) {
	ref, err := m.send(ctx, to, msg, key)
	return ref, false, err
}

// OnceWindow is how long the fake remembers keys: the whole run.
func (m *OnceMessenger) OnceWindow() time.Duration { return time.Hour }
