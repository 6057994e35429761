package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// Limits bound what the chat's visitors, all together and from one
// address, can take of herald: a new visitor id is free to get, so limits
// per visitor alone bound nothing. Zero fields take the defaults
// (DefaultLimits).
type Limits struct {
	// VisitorsPerMinute is how many new visitor ids one address may get
	// in a minute.
	VisitorsPerMinute int
	// SocketsPerAddress and Sockets bound the open chat and console
	// pages (websockets) from one address and in all.
	SocketsPerAddress, Sockets int
	// UploadsInFlight bounds the chat files being received at once (each
	// up to 10 MB is read into memory); UploadsPerMinute the files one
	// address may send in a minute.
	UploadsInFlight, UploadsPerMinute int
	// FilesMB bounds, in megabytes, the files the chat keeps in all (what
	// participants send and moderators send them).
	FilesMB int
}

// DefaultLimits are the limits unless the config sets others. They are
// generous per address on purpose: a webinar's audience behind one
// company's network comes from one address.
var DefaultLimits = Limits{VisitorsPerMinute: 300, SocketsPerAddress: 1000, Sockets: 10000, UploadsInFlight: 4, UploadsPerMinute: 60, FilesMB: 2048}

// withDefaults fills l's zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	for _, f := range []struct{ v, def *int }{{&l.VisitorsPerMinute, &d.VisitorsPerMinute}, {&l.SocketsPerAddress, &d.SocketsPerAddress},
		{&l.Sockets, &d.Sockets}, {&l.UploadsInFlight, &d.UploadsInFlight}, {&l.UploadsPerMinute, &d.UploadsPerMinute}, {&l.FilesMB, &d.FilesMB}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// perMinute applies a limit of n a minute to key, as a bucket of n.
func (a *Adapter) perMinute(key string, n int) bool {
	return a.allow(key, time.Minute/time.Duration(n), n)
}

// clientIP is the address a request comes from: the connection's, or,
// when that is one of TrustedProxies, the nearest address in
// X-Forwarded-For that is not.
func (a *Adapter) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !a.trusted(host) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		if !a.trusted(hop) {
			return hop
		}
		host = hop
	}
	return host
}

// trusted reports whether addr is one of the configured proxies.
func (a *Adapter) trusted(addr string) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range a.cfg.TrustedProxies {
		if p.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

// admitSocket counts a page's socket from ip in, unless ip or herald has
// as many open as the limits allow; the returned function counts it out.
func (a *Adapter) admitSocket(ip string) (func(), bool) {
	a.socketsMu.Lock()
	defer a.socketsMu.Unlock()
	if a.perIP == nil {
		a.perIP = map[string]int{}
	}
	if a.perIP[ip] >= a.limits.SocketsPerAddress || a.admitted >= a.limits.Sockets {
		return nil, false
	}
	a.perIP[ip]++
	a.admitted++
	return func() {
		a.socketsMu.Lock()
		defer a.socketsMu.Unlock()
		a.admitted--
		if a.perIP[ip]--; a.perIP[ip] <= 0 {
			delete(a.perIP, ip)
		}
	}, true
}
