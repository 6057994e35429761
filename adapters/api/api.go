// Package api serves herald's HTTP API for other systems: POST
// /api/v1/events records what happened to contacts (a registration, a
// course finished), for nudges and recipes to act on. Every request
// carries an API token (Authorization: Bearer …), made with "herald token
// create NAME"; only the token's hash is kept.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/apitokens"
	"github.com/heraldchat/herald/bot/events"
)

// MaxBody bounds a request's body.
const MaxBody = 1 << 20

// Recorder records a batch of events (events.Service).
type Recorder interface {
	Record(ctx context.Context, scope string, in []events.Input) ([]events.Recorded, error)
}

// Tokens finds API tokens by hash (the store).
type Tokens interface {
	APITokenByHash(ctx context.Context, hash string) (*apitokens.Token, error)
}

// Config sets up the API.
type Config struct {
	Events Recorder
	Tokens Tokens
	Log    *slog.Logger
	// PerSecond and Burst bound each token's requests (0: 10 a second,
	// bursts of 20).
	PerSecond float64
	Burst     int
}

// API serves the routes. It is safe for concurrent use.
type API struct {
	cfg      Config
	mu       sync.Mutex
	limiters map[uint64]*rate.Limiter
}

// New returns the API.
func New(cfg Config) *API {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.PerSecond <= 0 {
		cfg.PerSecond = 10
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 20
	}
	return &API{cfg: cfg, limiters: map[uint64]*rate.Limiter{}}
}

// Routes mounts the API on mux.
func (a *API) Routes(mux interface {
	Handle(pattern string, h http.Handler)
}) {
	mux.Handle("POST /api/v1/events", http.HandlerFunc(a.postEvents))
}

// problem is the JSON body of every refusal.
type problem struct {
	Error    string           `json:"error"`
	Problems []events.Problem `json:"problems,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// token authenticates r: the token, or a refusal already written (401
// without a known token, 403 for a revoked one, 429 past its rate, 503
// when the store cannot say).
func (a *API) token(w http.ResponseWriter, r *http.Request) (*apitokens.Token, bool) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(raw) == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="herald"`)
		writeJSON(w, http.StatusUnauthorized, problem{Error: "an API token is needed: Authorization: Bearer <token> (herald token create NAME)"})
		return nil, false
	}
	t, err := a.cfg.Tokens.APITokenByHash(r.Context(), apitokens.Hash(strings.TrimSpace(raw)))
	switch {
	case bot.ErrorCode(err) == bot.ENOTFOUND:
		w.Header().Set("WWW-Authenticate", `Bearer realm="herald", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, problem{Error: "this API token is not herald's"})
		return nil, false
	case err != nil:
		writeJSON(w, http.StatusServiceUnavailable, problem{Error: bot.ErrorMessage(err)})
		return nil, false
	case t.Revoked():
		writeJSON(w, http.StatusForbidden, problem{Error: "this API token was revoked on " + t.RevokedAt.UTC().Format(time.RFC3339)})
		return nil, false
	}
	a.mu.Lock()
	l := a.limiters[t.ID]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(a.cfg.PerSecond), a.cfg.Burst)
		a.limiters[t.ID] = l
	}
	a.mu.Unlock()
	if !l.Allow() {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusTooManyRequests, problem{Error: "too many requests for this token: slow down"})
		return nil, false
	}
	return t, true
}

// postEvents records one event (a JSON object) or a batch (an array, or
// {"events": [...]}) of up to events.MaxBatch, all or nothing, and
// answers 202 with their ids once they are committed.
func (a *API) postEvents(w http.ResponseWriter, r *http.Request) {
	t, ok := a.token(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeJSON(w, http.StatusRequestEntityTooLarge, problem{Error: "the body is over 1 MiB: send fewer events at once"})
		return
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, problem{Error: "the body could not be read"})
		return
	}
	in, single, err := parse(body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, problem{Error: err.Error()})
		return
	}
	if key := strings.TrimSpace(r.Header.Get("Idempotency-Key")); key != "" {
		for i := range in {
			if in[i].ID == "" {
				in[i].ID = key
				if !single {
					in[i].ID = key + "#" + itoa(i)
				}
			}
		}
	}
	out, err := a.cfg.Events.Record(r.Context(), "token:"+itoa(int(t.ID)), in)
	var invalid *events.Invalid
	switch {
	case errors.As(err, &invalid):
		writeJSON(w, http.StatusBadRequest, problem{Error: "some events are invalid: nothing was recorded", Problems: invalid.Problems})
		return
	case bot.ErrorCode(err) == bot.ENOTFOUND:
		writeJSON(w, http.StatusNotFound, problem{Error: bot.ErrorMessage(err) + ": nothing was recorded"})
		return
	case bot.ErrorCode(err) == bot.EINVALID:
		writeJSON(w, http.StatusBadRequest, problem{Error: bot.ErrorMessage(err) + ": nothing was recorded"})
		return
	case bot.ErrorCode(err) == bot.ECONFLICT:
		writeJSON(w, http.StatusConflict, problem{Error: bot.ErrorMessage(err) + ": nothing was recorded"})
		return
	case err != nil:
		a.cfg.Log.Error("api: recording events", "token", t.Name, "err", err)
		writeJSON(w, http.StatusServiceUnavailable, problem{Error: "the events could not be recorded: try again"})
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"events": out})
}

// parse reads one event, an array of events, or {"events": [...]}.
// single says it was one object.
func parse(body []byte) ([]events.Input, bool, error) {
	trimmed := strings.TrimSpace(string(body))
	switch {
	case strings.HasPrefix(trimmed, "["):
		var in []events.Input
		if err := strictJSON(body, &in); err != nil {
			return nil, false, err
		}
		return in, false, nil
	case strings.HasPrefix(trimmed, "{"):
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(body, &probe); err != nil {
			return nil, false, errors.New("the body is not JSON: " + err.Error())
		}
		if raw, ok := probe["events"]; ok && len(probe) == 1 {
			var in []events.Input
			if err := strictJSON(raw, &in); err != nil {
				return nil, false, err
			}
			return in, false, nil
		}
		var one events.Input
		if err := strictJSON(body, &one); err != nil {
			return nil, false, err
		}
		return []events.Input{one}, true, nil
	}
	return nil, false, errors.New(`the body is an event as JSON ({"type": …, "contact": …}), an array of them, or {"events": [...]}`)
}

// strictJSON decodes one JSON value, refusing unknown fields (a misspelt
// one is named) and anything after the value.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New("the body is not valid: " + err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("the body is not valid: more follows the JSON value")
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
