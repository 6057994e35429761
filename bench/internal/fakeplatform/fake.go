// Package fakeplatform is a chat platform on loopback for the benchmarks:
// one endpoint that accepts messages, optionally enforcing an overall rate
// and a per-chat rate the way Telegram documents them (429 with
// retry_after beyond), and remembering every message it accepted. Its
// Messenger is a bot.Messenger that talks to it over HTTP.
//
// The fake can run in the benchmark's own process (Start) or in a child
// process of its own (ServeChild in the child, StartChild in the parent),
// so that the process measured holds nothing of the fake's. Either way it
// answers on loopback to what a benchmark needs to read or reset it:
//
//	POST /fake/reset    forget everything seen so far
//	GET  /fake/stats    counters as JSON (see wireStats): accepted, 429s,
//	                    chats, duplicates, first and last accept as Unix
//	                    nanoseconds, the fake's CPU time since the reset
//	POST /fake/missing  body: chat ids, one a line; answer: how many of
//	                    them received nothing
//
// Remote is the client of those.
package fakeplatform

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/engine"
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
	cpuReset time.Duration // the process's CPU time at the last reset
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
	s := &Server{limits: l, ln: ln, lastChat: map[string]time.Time{}, got: map[string]int{}, keys: map[string]bool{}, cpuReset: cpuTime()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sendMessage", s.send)
	mux.HandleFunc("POST /fake/reset", func(w http.ResponseWriter, r *http.Request) {
		s.Reset()
		fmt.Fprint(w, `{"ok":true}`)
	})
	mux.HandleFunc("GET /fake/stats", func(w http.ResponseWriter, r *http.Request) {
		st := s.Stats()
		ws := wireStats{Accepted: st.Accepted, Rejected: st.Rejected, Chats: st.Chats, Duplicates: st.Duplicates, CPUNanos: int64(st.CPU)}
		if !st.First.IsZero() {
			ws.FirstUnixNano, ws.LastUnixNano = st.First.UnixNano(), st.Last.UnixNano()
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(ws)
	})
	mux.HandleFunc("POST /fake/missing", s.missing)
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
	// CPU is the CPU time of the fake's process since the last reset
	// (the whole process's: meaningful when the fake runs alone in it).
	CPU time.Duration
}

// wireStats is Stats as GET /fake/stats answers it; the times are Unix
// nanoseconds of the machine's wall clock (0: nothing accepted yet), so
// that another process on the same machine can compare them with its own.
type wireStats struct {
	Accepted      int64 `json:"accepted"`
	Rejected      int64 `json:"rejected_429"`
	Chats         int   `json:"chats"`
	Duplicates    int64 `json:"duplicates"`
	FirstUnixNano int64 `json:"first_unix_nano"`
	LastUnixNano  int64 `json:"last_unix_nano"`
	CPUNanos      int64 `json:"cpu_nanos"`
}

// Stats returns what the fake saw so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Accepted: s.accepted.Load(), Rejected: s.rejected.Load(), Chats: len(s.got), First: s.first, Last: s.last, CPU: cpuTime() - s.cpuReset}
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
	s.cpuReset = cpuTime()
}

// missing answers POST /fake/missing: how many of the chats in the body,
// one a line, received nothing.
func (s *Server) missing(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	n := 0
	s.mu.Lock()
	for line := range strings.Lines(string(body)) {
		if chat := strings.TrimSpace(line); chat != "" && s.got[chat] == 0 {
			n++
		}
	}
	s.mu.Unlock()
	fmt.Fprintf(w, `{"missing":%d}`, n)
}

// cpuTime is the CPU time this process used so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ServeChild runs the fake as the whole of a child process: it listens on
// a free loopback port, writes its base URL and a newline on stdout, and
// serves until its stdin closes (the parent closed it, or died).
func ServeChild(l Limits) error {
	s, err := Start(l)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := fmt.Println(s.URL()); err != nil {
		return err
	}
	io.Copy(io.Discard, os.Stdin)
	return nil
}

// Remote is a fake seen from another process, through its /fake/
// endpoints; when it started the fake (StartChild), Close stops it.
type Remote struct {
	url    string
	client *http.Client
	cmd    *exec.Cmd
	stdin  io.Closer
}

// Dial returns the Remote of the fake at url.
func Dial(url string) *Remote { return &Remote{url: url, client: &http.Client{}} }

// StartChild starts cmd, a process that calls ServeChild, and returns
// the fake it serves once it has written its URL. cmd's stderr is left as
// the caller set it; its stdin and stdout are the fake's.
func StartChild(cmd *exec.Cmd) (*Remote, error) {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://") {
		stdin.Close()
		cmd.Wait()
		return nil, fmt.Errorf("the fake platform did not start (%q, %v)", line, err)
	}
	r := Dial(strings.TrimSpace(line))
	r.cmd, r.stdin = cmd, stdin
	return r, nil
}

// URL is the fake's base URL.
func (r *Remote) URL() string { return r.url }

// Close stops the fake's process if StartChild started it.
func (r *Remote) Close() error {
	if r.cmd == nil {
		return nil
	}
	r.stdin.Close()
	return r.cmd.Wait()
}

// Reset makes the fake forget everything it saw.
func (r *Remote) Reset() error {
	return r.call(http.MethodPost, "/fake/reset", nil, nil)
}

// Stats returns what the fake saw since its last reset.
func (r *Remote) Stats() (Stats, error) {
	var ws wireStats
	if err := r.call(http.MethodGet, "/fake/stats", nil, &ws); err != nil {
		return Stats{}, err
	}
	st := Stats{Accepted: ws.Accepted, Rejected: ws.Rejected, Chats: ws.Chats, Duplicates: ws.Duplicates, CPU: time.Duration(ws.CPUNanos)}
	if ws.FirstUnixNano != 0 {
		st.First, st.Last = time.Unix(0, ws.FirstUnixNano), time.Unix(0, ws.LastUnixNano)
	}
	return st, nil
}

// Missing returns how many of chats received nothing.
func (r *Remote) Missing(chats []string) (int, error) {
	var body bytes.Buffer
	for _, c := range chats {
		body.WriteString(c)
		body.WriteByte('\n')
	}
	var out struct {
		Missing int `json:"missing"`
	}
	err := r.call(http.MethodPost, "/fake/missing", &body, &out)
	return out.Missing, err
}

func (r *Remote) call(method, path string, body io.Reader, out any) error {
	req, err := http.NewRequest(method, r.url+path, body)
	if err != nil {
		return err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("fake platform: %s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(b))
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return errors.Join(fmt.Errorf("fake platform: %s %s", method, path), err)
	}
	return nil
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
// an engine.OnceSender): the platform refuses a second message with a key it
// has seen, for the whole run.
type OnceMessenger struct{ Messenger }

var _ engine.OnceSender = (*OnceMessenger)(nil)

// SendOnce posts the message with key.
func (m *OnceMessenger) SendOnce(ctx context.Context, to bot.Address, msg bot.Message, key string) (bot.MessageRef, bool, error) {
	ref, err := m.send(ctx, to, msg, key)
	return ref, false, err
}

// OnceWindow is how long the fake remembers keys: the whole run.
func (m *OnceMessenger) OnceWindow() time.Duration { return time.Hour }
