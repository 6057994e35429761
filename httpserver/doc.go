// Package httpserver runs herald's one HTTP server: /healthz, /readyz and
// /metrics from the start, and the platform webhooks and web pages that
// other packages mount on it with Handle. Every request passes through one
// middleware that recovers panics (a 500, never a crash), counts requests
// for Prometheus and sets conservative security headers.
//
// Import rule: httpserver imports bot, the Prometheus client and the
// standard library. cmd/herald builds it and hands it to the packages that
// mount routes.
package httpserver
