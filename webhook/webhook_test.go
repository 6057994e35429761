package webhook_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/webhooks"
	"github.com/heraldchat/herald/webhook"
)

// A delivery is verified by the Standard Webhooks reference library, not
// by herald's own code; JSON, form and GET alike.
func TestSignaturesVerifyWithTheReferenceLibrary(t *testing.T) {
	secret, err := webhook.NewSecret()
	if err != nil || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q %v", secret, err)
	}
	ref, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	var verified, auth atomic.Int32
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		payload := body
		if r.Method == http.MethodGet {
			payload = []byte(r.URL.RawQuery) // a GET signs its query
		}
		if err := ref.Verify(payload, r.Header); err != nil {
			t.Errorf("%s %s: the reference library refused the signature: %v", r.Method, r.Header.Get("Content-Type"), err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		verified.Add(1)
		if r.Header.Get("Authorization") == "Bearer s3cret" {
			auth.Add(1)
		}
		got.Store(r.Method + " " + r.URL.RawQuery + " " + string(body))
		w.Write([]byte("ok thanks"))
	}))
	defer srv.Close()
	p := &webhook.Poster{AllowHTTP: true, AllowPrivate: true}
	d := &webhooks.Delivery{MsgID: "msg_r1s0", Body: []byte(`{"type":"recipe.Sync","data":{"contact":{"name":"Ana"},"tags":["vip","refund"]}}`)}
	for _, w := range []*webhooks.Webhook{
		{Name: "j", URL: srv.URL + "/hook", Method: "POST", ContentType: "json"},
		{Name: "f", URL: srv.URL + "/hook", Method: "POST", ContentType: "form"},
		{Name: "g", URL: srv.URL + "/hook?k=1", Method: "GET"},
	} {
		status, excerpt, _, err := p.Post(context.Background(), w, secret, "Bearer s3cret", d, time.Now())
		if err != nil || status != 200 || excerpt != "ok thanks" {
			t.Fatalf("%s: %d %q %v", w.Name, status, excerpt, err)
		}
		t.Logf("%s: %s", w.Name, got.Load())
	}
	if verified.Load() != 3 || auth.Load() != 3 {
		t.Fatalf("%d verified, %d with the Authorization header", verified.Load(), auth.Load())
	}
	if s := got.Load().(string); !strings.Contains(s, "data.contact.name=Ana") || !strings.Contains(s, "k=1") {
		t.Fatalf("the GET's query: %s", s)
	}
}

// A resolver that answers a private address is refused, without a
// connection; so are literal addresses of every non-public kind, http
// without allow_http, and redirects.
func TestServerSideRequestForgeryIsRefused(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data", http.StatusFound)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	d := &webhooks.Delivery{MsgID: "m", Body: []byte(`{}`)}
	secret, _ := webhook.NewSecret()

	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	private := &webhook.Poster{AllowHTTP: true, Resolve: func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("10.0.0.5")}, nil
	}}
	_, _, _, err := private.Post(context.Background(), &webhooks.Webhook{Name: "x", URL: "http://crm.example.org:" + port + "/h"}, secret, "", d, time.Now())
	if bot.ErrorCode(err) != bot.EFORBIDDEN || !strings.Contains(err.Error(), "10.0.0.5") || conns.Load() != 0 {
		t.Fatalf("a private answer: %v (%d connections)", err, conns.Load())
	}
	// Loopback answered by the resolver: refused at the dial too.
	loop := &webhook.Poster{AllowHTTP: true, Resolve: func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("::ffff:127.0.0.1")}, nil
	}}
	if _, _, _, err := loop.Post(context.Background(), &webhooks.Webhook{Name: "x", URL: "http://crm.example.org:" + port + "/h"}, secret, "", d, time.Now()); bot.ErrorCode(err) != bot.EFORBIDDEN || conns.Load() != 0 {
		t.Fatalf("a mapped loopback answer: %v (%d connections)", err, conns.Load())
	}
	strict := &webhook.Poster{}
	for _, u := range []string{"http://crm.example.org/h", "https://0.0.0.0/h", "https://[::]/h", "https://[::ffff:127.0.0.1]/h",
		"https://100.64.1.1/h", "https://169.254.169.254/h", "https://192.168.1.1/h", "https://[fe80::1]/h", "ftp://x/h"} {
		if err := strict.CheckURL(u); err == nil {
			t.Errorf("%s was accepted", u)
		}
	}
	if err := strict.CheckURL("https://crm.example.org/hook?token=abc"); err != nil {
		t.Errorf("a public https URL: %v", err)
	}
	// Allowed (a test's loopback receiver), a redirect is not followed
	// and the proxy from the environment is not used.
	open := &webhook.Poster{AllowHTTP: true, AllowPrivate: true}
	status, _, _, err := open.Post(context.Background(), &webhooks.Webhook{Name: "x", URL: srv.URL + "/h"}, secret, "", d, time.Now())
	if err != nil || status != http.StatusFound || conns.Load() != 1 {
		t.Fatalf("a redirect: %d %v (%d connections)", status, err, conns.Load())
	}
}

// An error names the host only: the URL's path and query can hold
// secrets.
func TestErrorsNameTheHostOnly(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	p := &webhook.Poster{AllowHTTP: true, AllowPrivate: true, Timeout: 2 * time.Second}
	secret, _ := webhook.NewSecret()
	_, _, _, err := p.Post(context.Background(), &webhooks.Webhook{Name: "x", URL: "http://" + addr + "/hook?token=SECRET123"}, secret, "", &webhooks.Delivery{MsgID: "m", Body: []byte(`{}`)}, time.Now())
	if err == nil || strings.Contains(err.Error(), "SECRET123") || !strings.Contains(err.Error(), addr) {
		t.Fatalf("error: %v", err)
	}
}
