package httpserver_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/httpserver"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServer(t *testing.T) {
	var logs strings.Builder
	s := httpserver.New(slog.New(slog.NewTextHandler(&logs, nil)), prometheus.NewRegistry())
	s.Handle("GET /boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("kaboom") }))
	var storeErr error
	s.AddCheck("store", func(context.Context) error { return storeErr })
	if err := s.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	base := "http://" + s.Addr().String()

	if code, body := get(t, base+"/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("healthz = %d %q", code, body)
	}
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, "starting") {
		t.Fatalf("readyz before ready = %d %q", code, body)
	}
	s.SetReady(true)
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Fatalf("readyz when ready = %d", code)
	}
	storeErr = bot.Errorf(bot.EUNAVAILABLE, "database closed")
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, "store: database closed") {
		t.Fatalf("readyz with a failing check = %d %q", code, body)
	}
	storeErr = errors.New("dial 10.1.2.3 password=x")
	if _, body := get(t, base+"/readyz"); strings.Contains(body, "password") {
		t.Fatalf("readyz shows internal details: %q", body)
	}

	if code, _ := get(t, base+"/boom"); code != 500 {
		t.Fatalf("a panicking handler answered %d, want 500", code)
	}
	if !strings.Contains(logs.String(), "kaboom") {
		t.Fatal("the panic was not logged")
	}
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Fatal("the server died after a panic")
	}
	code, metrics := get(t, base+"/metrics")
	if code != 200 || !strings.Contains(metrics, `herald_http_requests_total{code="500",route="GET /boom"} 1`) ||
		!strings.Contains(metrics, `herald_http_requests_total{code="200",route="GET /healthz"} 2`) {
		t.Fatalf("metrics = %d\n%s", code, metrics)
	}

	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still serving after Shutdown")
	}
}

func TestOpenBusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := httpserver.New(slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	err = s.Open(ln.Addr().String())
	if bot.ErrorCode(err) != bot.EUNAVAILABLE || !strings.Contains(err.Error(), "http.listen") {
		t.Fatalf("error = %v", err)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestASlowBodyIsCut: a client that sends its headers and then a byte now
// and then is cut off once the body's time is up, instead of holding the
// connection (and the handler) as long as it likes.
func TestASlowBodyIsCut(t *testing.T) {
	s := httpserver.New(slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	s.BodyTimeout = 200 * time.Millisecond
	read := make(chan error, 1)
	s.Handle("POST /hook", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		read <- err
	}))
	if err := s.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nx")
	select {
	case err := <-read:
		if err == nil {
			t.Fatal("the body read without an error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a body trickling in held the handler past its time")
	}
}
