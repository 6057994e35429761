// Package webhook delivers herald's outbound webhooks over HTTP, signed the
// Standard Webhooks way (https://www.standardwebhooks.com): headers
// webhook-id, webhook-timestamp and webhook-signature "v1,<base64
// HMAC-SHA256 of id.timestamp.body>" with a secret "whsec_<base64>", so
// that receivers verify them with the standard libraries.
//
// A GET carries the payload in its query string, form-encoded, and its
// signature covers that query string in place of a body.
//
// The Poster refuses what a server-side request forgery would need: a
// URL that is not https (unless AllowHTTP), an address that is loopback,
// private, link-local, shared (100.64.0.0/10), unspecified or otherwise
// not public (unless AllowPrivate) — checked on the address actually
// dialled, IPv4-mapped IPv6 unmapped —, redirects (never followed), and a
// proxy from the environment (never used). Its log and errors name the
// URL's host only: a URL can carry a secret.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/webhooks"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// NewSecret returns a new random signing secret.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", bot.Errorf(bot.EINTERNAL, "making a webhook secret: %w", err)
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// Sign returns the webhook-signature header of a message id sent at at
// with body, signed with secret.
func Sign(secret, id string, at time.Time, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return "", bot.Errorf(bot.EINVALID, "the webhook's signing secret is not base64")
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, at.Unix())
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// Poster posts deliveries (engine.WebhookPoster). Set its fields before
// the first Post; it is safe for concurrent use then.
type Poster struct {
	AllowHTTP    bool
	AllowPrivate bool
	// Timeout bounds one attempt (10 s when zero).
	Timeout time.Duration
	// Resolve looks a host's addresses up (the system resolver when nil).
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)

	once   sync.Once
	client *http.Client
}

// CheckURL says what is wrong with a webhook's URL, checked when it is
// saved: not http(s), http without AllowHTTP, no host, a literal address
// that is not public without AllowPrivate.
func (p *Poster) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return bot.Errorf(bot.EINVALID, "a webhook URL is https://host/path").Translated("err.webhook.url")
	}
	if u.Scheme == "http" && !p.AllowHTTP {
		return bot.Errorf(bot.EINVALID, "webhook URLs are https:// (set webhooks.allow_http: true for plain http)").Translated("err.webhook.https")
	}
	if a, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !p.AllowPrivate && !Public(a) {
		return privateError(a)
	}
	return nil
}

func privateError(a netip.Addr) error {
	return bot.Errorf(bot.EFORBIDDEN, "the webhook URL resolves to a private address (%s): set webhooks.allow_private: true for a private network", a).Translated("err.webhook.private", a.String())
}

// notPublic are the ranges that netip's predicates do not name.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// Public reports whether a is an address on the public internet.
func Public(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range notPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

func (p *Poster) init() {
	p.once.Do(func() {
		timeout := p.Timeout
		if timeout <= 0 {
			timeout = 10 * time.Second
		}
		resolve := p.Resolve
		if resolve == nil {
			resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
				return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
			}
		}
		dialer := &net.Dialer{Timeout: timeout, Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return err
			}
			if !p.AllowPrivate && !Public(ap.Addr()) {
				return privateError(ap.Addr().Unmap())
			}
			return nil
		}}
		guarded := func(ctx context.Context, network, address string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(address)
			if err != nil {
				return nil, err
			}
			addrs, err := resolve(ctx, host)
			if err != nil {
				return nil, err
			}
			var refused error
			for _, a := range addrs {
				if !p.AllowPrivate && !Public(a) {
					refused = privateError(a.Unmap())
					continue
				}
				return dialer.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
			}
			if refused == nil {
				refused = fmt.Errorf("no address for the webhook's host")
			}
			return nil, refused
		}
		p.client = &http.Client{
			Timeout:       timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport: &http.Transport{Proxy: nil, DialContext: guarded, ForceAttemptHTTP2: true,
				MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: timeout},
		}
	})
}

// Post delivers d to webhook w at at, signed with signing, with the
// Authorization header auth when set, and returns the answer's status,
// its first 200 bytes and the wait it asked for (Retry-After). An error
// is a delivery that reached no answer (refused, timed out, a private
// address), named by the URL's host only.
func (p *Poster) Post(ctx context.Context, w *webhooks.Webhook, signing, auth string, d *webhooks.Delivery, at time.Time) (status int, excerpt string, retryAfter time.Duration, err error) {
	p.init()
	if err := p.CheckURL(w.URL); err != nil {
		return 0, "", 0, err
	}
	u, _ := url.Parse(w.URL)
	body, contentType := d.Body, "application/json"
	if w.ContentType == "form" {
		body, contentType = []byte(Form(d.Body).Encode()), "application/x-www-form-urlencoded"
	}
	method := http.MethodPost
	if strings.EqualFold(w.Method, http.MethodGet) {
		method = http.MethodGet
		q := u.Query()
		for k, vs := range Form(d.Body) {
			q[k] = vs
		}
		u.RawQuery, body, contentType = q.Encode(), nil, ""
	}
	signed := body
	if method == http.MethodGet {
		signed = []byte(u.RawQuery) // a GET's payload is its query: signed as the body would be
	}
	sig, err := Sign(signing, d.MsgID, at, signed)
	if err != nil {
		return 0, "", 0, err
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), strings.NewReader(string(body)))
	if err != nil {
		return 0, "", 0, bot.Errorf(bot.EINVALID, "webhook %s: the request cannot be made", w.Name)
	}
	req.Header.Set("webhook-id", d.MsgID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	req.Header.Set("User-Agent", "herald-webhooks")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		var be *bot.Error
		if errors.As(err, &be) {
			return 0, "", 0, be
		}
		if ctx.Err() != nil {
			return 0, "", 0, ctx.Err()
		}
		return 0, "", 0, bot.Errorf(bot.EUNAVAILABLE, "%s did not answer (%s)", u.Host, netReason(err))
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		retryAfter = time.Duration(s) * time.Second
	}
	return resp.StatusCode, string(b[:min(len(b), 200)]), retryAfter, nil
}

// netReason says why a request reached no answer, without its URL.
func netReason(err error) string {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET):
		return "connection dropped"
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Op + " failed"
	}
	return "no answer"
}

// Form flattens a JSON body into form values: {"data":{"contact":{"name":
// "Ana"}}} is data.contact.name=Ana; lists repeat their key.
func Form(body []byte) url.Values {
	out := url.Values{}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return out
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				key := k
				if prefix != "" {
					key = prefix + "." + k
				}
				walk(key, x[k])
			}
		case []any:
			for _, e := range x {
				walk(prefix, e)
			}
		case nil:
			out.Add(prefix, "")
		case string:
			out.Add(prefix, x)
		default:
			b, _ := json.Marshal(x)
			out.Add(prefix, string(b))
		}
	}
	walk("", v)
	return out
}
