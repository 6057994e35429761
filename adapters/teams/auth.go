package teams

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/heraldchat/herald/bot/clock"
)

// Issuer is the issuer of the tokens the Bot Framework signs activities
// with.
const Issuer = "https://api.botframework.com"

// DefaultOpenIDURL is the Bot Framework's OpenID metadata.
const DefaultOpenIDURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"

// Verifier checks the token of an activity the Bot Framework sends: an
// RS256 signature by a key of its OpenID metadata (fetched, kept a day,
// fetched again on a key id it does not know, at most once every five
// minutes), the issuer, the audience (the app id), the expiry and not-
// before with five minutes of clock skew, the serviceurl claim equal to
// the activity's service URL, and the key endorsing the activity's
// channel. It is safe for concurrent use.
type Verifier struct {
	AppID     string
	OpenIDURL string
	Client    *http.Client
	Clock     clock.Clock

	fetching sync.Mutex // held while the keys are fetched: one fetch at a time
	mu       sync.Mutex // guards what follows, never held over the network
	keys     map[string]signingKey
	fetched  time.Time // when the keys were last fetched
	missed   time.Time // when an unknown key id last made a fetch
	failed   time.Time // when a fetch last failed
}

type signingKey struct {
	pub          *rsa.PublicKey
	endorsements []string
}

// keyTTL is how long fetched keys are kept; missAgain how soon an
// unknown key id may fetch them again.
const (
	keyTTL    = 24 * time.Hour
	missAgain = 5 * time.Minute
	skew      = 5 * time.Minute
)

// Verify checks the Authorization header of an activity from serviceURL
// on channel channelID. Any error means: refuse the request, process
// nothing.
func (v *Verifier) Verify(ctx context.Context, header, serviceURL, channelID string) error {
	raw, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || raw == "" {
		return fmt.Errorf("no bearer token")
	}
	var key signingKey
	tok, err := jwt.Parse(raw, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, err := v.key(ctx, kid)
		if err != nil {
			return nil, err
		}
		key = k
		return k.pub, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(Issuer), jwt.WithAudience(v.AppID), jwt.WithLeeway(skew),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(v.Clock.Now))
	if err != nil {
		return err
	}
	claims, _ := tok.Claims.(jwt.MapClaims)
	su, _ := claims["serviceurl"].(string)
	if su == "" || !sameURL(su, serviceURL) {
		return fmt.Errorf("the token's service URL %q is not the activity's %q", su, serviceURL)
	}
	if channelID != "" && !slices.Contains(key.endorsements, channelID) {
		return fmt.Errorf("the signing key does not endorse channel %q", channelID)
	}
	return nil
}

// sameURL compares service URLs as the Bot Framework writes them: with
// or without a trailing slash, the host in any case.
func sameURL(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, "/"), strings.TrimRight(b, "/"))
}

// failAgain is how soon a failed fetch of the keys is tried again.
const failAgain = 30 * time.Second

// key returns the signing key kid, fetching the keys when they are old,
// or when kid is unknown and no unknown kid fetched them in the last five
// minutes; a failed fetch is not tried again for 30 seconds. Fetches run
// one at a time and without holding what verifications read.
func (v *Verifier) key(ctx context.Context, kid string) (signingKey, error) {
	k, ok, fetch, seen := v.lookup(kid)
	if !fetch {
		if ok {
			return k, nil
		}
		return signingKey{}, fmt.Errorf("unknown signing key %q", kid)
	}
	v.fetching.Lock()
	defer v.fetching.Unlock()
	v.mu.Lock()
	if !v.fetched.Equal(seen) { // another fetch ran meanwhile: its keys serve
		k2, ok2 := v.keys[kid]
		v.mu.Unlock()
		if ok2 {
			return k2, nil
		}
		return signingKey{}, fmt.Errorf("unknown signing key %q", kid)
	}
	v.mu.Unlock()
	keys, err := v.fetch(ctx)
	now := v.Clock.Now()
	v.mu.Lock()
	defer v.mu.Unlock()
	if err != nil {
		v.failed = now
		if ok {
			return k, nil // the old keys still serve while the metadata is down
		}
		return signingKey{}, err
	}
	v.keys, v.fetched = keys, now
	if k, ok = keys[kid]; !ok {
		return signingKey{}, fmt.Errorf("unknown signing key %q", kid)
	}
	return k, nil
}

// lookup returns the cached key kid, whether the keys should be fetched
// now (old, or kid unknown and no fetch for it lately), and when they
// were last fetched; an unknown kid that may fetch is counted as the
// fetch's reason.
func (v *Verifier) lookup(kid string) (k signingKey, ok, fetch bool, fetched time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.Clock.Now()
	k, ok = v.keys[kid]
	if now.Sub(v.failed) < failAgain {
		return k, ok, false, v.fetched
	}
	stale := v.keys == nil || now.Sub(v.fetched) >= keyTTL
	switch {
	case ok && !stale:
		return k, true, false, v.fetched
	case stale:
		return k, ok, true, v.fetched
	case now.Sub(v.missed) < missAgain:
		return k, false, false, v.fetched
	}
	v.missed = now
	return k, false, true, v.fetched
}

// fetch reads the OpenID metadata, then its keys.
func (v *Verifier) fetch(ctx context.Context) (map[string]signingKey, error) {
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := v.get(ctx, v.OpenIDURL, &meta); err != nil {
		return nil, err
	}
	if meta.JWKSURI == "" {
		return nil, fmt.Errorf("the OpenID metadata names no keys")
	}
	var set struct {
		Keys []struct {
			Kty, Kid, N, E string
			Endorsements   []string `json:"endorsements"`
		} `json:"keys"`
	}
	if err := v.get(ctx, meta.JWKSURI, &set); err != nil {
		return nil, err
	}
	out := map[string]signingKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.N, "="))
		e, err2 := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.E, "="))
		if err1 != nil || err2 != nil || len(e) > 4 {
			continue
		}
		out[k.Kid] = signingKey{pub: &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, endorsements: k.Endorsements}
	}
	return out, nil
}

func (v *Verifier) get(ctx context.Context, rawURL string, into any) error {
	if u, err := url.Parse(rawURL); err != nil || u.Scheme != "https" && !loopback(u.Hostname()) {
		return fmt.Errorf("%s: keys are read over https only", rawURL)
	}
	req, err := http.NewRequestWithContext(ctx, "GET", rawURL, nil)
	if err != nil {
		return err
	}
	resp, err := v.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", rawURL, resp.Status)
	}
	return json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 1<<20)).Decode(into)
}
