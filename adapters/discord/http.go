package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Interactions is the HTTP interactions endpoint (the developer portal's
// Interactions Endpoint URL), an alternative to receiving them over the
// gateway. Every request is verified with the application's Ed25519
// public key over X-Signature-Timestamp and the body
// (X-Signature-Ed25519), and answered 401 otherwise; PINGs are answered;
// the first answer to an interaction is the HTTP response, sent as soon as
// it is known, and follow-ups go through the REST API. The key is 32
// bytes, hex in discord.public_key.
// replayWindow is how old a signed interaction may be.
const replayWindow = 5 * time.Minute

func (a *Adapter) Interactions(publicKey ed25519.PublicKey) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		sig, err := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		ts := r.Header.Get("X-Signature-Timestamp")
		if err != nil || len(sig) != ed25519.SignatureSize || ts == "" || len(publicKey) != ed25519.PublicKeySize ||
			!ed25519.Verify(publicKey, append([]byte(ts), body...), sig) {
			a.log.Warn("discord: an interaction without a valid signature was refused", "from", r.RemoteAddr)
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		// A signed request is only good once, and only fresh: a replayed
		// or stale one is refused (Discord sends each interaction once).
		if secs, err := strconv.ParseInt(ts, 10, 64); err != nil || time.Since(time.Unix(secs, 0)).Abs() > replayWindow {
			a.log.Warn("discord: a stale interaction was refused", "from", r.RemoteAddr)
			http.Error(w, "stale request", http.StatusUnauthorized)
			return
		}
		var i discordgo.Interaction
		if err := json.Unmarshal(body, &i); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if i.Type != discordgo.InteractionPing && !a.interactions.Add(i.ID, 2*replayWindow) {
			a.log.Warn("discord: a replayed interaction was refused", "id", i.ID, "from", r.RemoteAddr)
			http.Error(w, "replayed request", http.StatusUnauthorized)
			return
		}
		if i.Type == discordgo.InteractionPing {
			writeResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
			return
		}
		var once sync.Once
		answered := false
		respond := func(_ context.Context, resp *discordgo.InteractionResponse) error {
			once.Do(func() {
				writeResponse(w, resp)
				answered = true
			})
			return nil
		}
		a.interaction(&i, respond)
		if !answered {
			w.WriteHeader(http.StatusNoContent)
		}
	})
}

// writeResponse sends resp with its length and flushes it, so that Discord
// has its answer while the handler goes on with follow-ups.
func writeResponse(w http.ResponseWriter, resp *discordgo.InteractionResponse) {
	b, _ := json.Marshal(resp)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	io.Copy(w, bytes.NewReader(b))
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}
