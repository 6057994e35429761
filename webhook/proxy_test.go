package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot/webhooks"
)

// The Poster's transport has no proxy function: a proxy named in the
// environment (HTTPS_PROXY, HTTP_PROXY) would otherwise see every
// delivery, and its address is not checked like the webhook's.
func TestThePosterHasNoProxy(t *testing.T) {
	p := &Poster{}
	p.init()
	tr, ok := p.client.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("the Poster's transport is a %T", p.client.Transport)
	}
	if tr.Proxy != nil {
		t.Fatal("the Poster's transport has a Proxy function: deliveries may go through a proxy from the environment")
	}
}

// The proxy host the environment names: constant, because net/http reads
// the environment's proxies once per process.
const envProxy = "proxy.herald-test.example:3128"

// With a proxy named in the environment, a delivery goes straight to the
// webhook's host: the resolver is asked for the webhook's host only, never
// the proxy's, and the receiver sees the request itself. The same check
// on the Poster's transport given the environment's proxy sees the proxy
// asked for, so it would catch one.
func TestAnEnvironmentProxyIsNeverUsed(t *testing.T) {
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		t.Setenv(k, "http://"+envProxy)
	}
	for _, k := range []string{"NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
	var mu sync.Mutex
	var asked []string
	resolve := func(_ context.Context, host string) ([]netip.Addr, error) {
		mu.Lock()
		asked = append(asked, host)
		mu.Unlock()
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil // the receiver, and the proxy if dialled
	}
	lookups := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := slices.Clone(asked)
		asked = nil
		return out
	}
	var got sync.Map // request URI and Host the receiver saw, by scheme
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("webhook-id"), r.RequestURI+" "+r.Host)
	})
	plain := httptest.NewServer(handler)
	defer plain.Close()
	secure := httptest.NewTLSServer(handler)
	defer secure.Close()
	secret, _ := NewSecret()
	p := &Poster{AllowHTTP: true, AllowPrivate: true, Resolve: resolve, Timeout: 5 * time.Second}
	p.init()
	for _, srv := range []*httptest.Server{plain, secure} {
		u, _ := url.Parse(srv.URL)
		target := u.Scheme + "://crm.herald-test.example:" + u.Port() + "/hook"
		req, _ := http.NewRequest(http.MethodPost, target, nil)
		if pu, err := http.ProxyFromEnvironment(req); err != nil || pu == nil || pu.Host != envProxy {
			t.Fatalf("%s: the environment's proxy is %v (%v): this process read other proxies before the test, which cannot check", u.Scheme, pu, err)
		}
		// The control: the Poster's own transport, given the environment's
		// proxy, asks for the proxy's address.
		tr := p.client.Transport.(*http.Transport).Clone()
		tr.Proxy = http.ProxyFromEnvironment
		resp, err := (&http.Client{Transport: tr, Timeout: 2 * time.Second}).Post(target, "application/json", nil)
		if err == nil {
			resp.Body.Close()
		}
		if l := lookups(); !slices.Contains(l, "proxy.herald-test.example") {
			t.Fatalf("%s: the control did not go for the proxy (asked for %v): the check below would see nothing", u.Scheme, l)
		}
		id := "msg_" + u.Scheme
		status, _, _, err := p.Post(context.Background(), &webhooks.Webhook{Name: "crm", URL: target, Method: "POST", ContentType: "json"}, secret, "",
			&webhooks.Delivery{MsgID: id, Body: []byte(`{}`)}, time.Now())
		if l := lookups(); !slices.Equal(l, []string{"crm.herald-test.example"}) {
			t.Errorf("%s: the Poster asked the resolver for %v, want the webhook's host only", u.Scheme, l)
		}
		if u.Scheme == "https" {
			// The test server's certificate is not trusted: refused after
			// the direct connection, which is what is checked here.
			if err == nil {
				t.Errorf("https: a self-signed certificate was accepted (status %d)", status)
			}
			continue
		}
		if err != nil || status != http.StatusOK {
			t.Fatalf("http: %d %v", status, err)
		}
		if v, _ := got.Load(id); v != "/hook crm.herald-test.example:"+u.Port() {
			t.Errorf("http: the receiver saw %q, want the request itself, straight", v)
		}
	}
}
