package main

import (
	"io"
	"log/slog"
	"strings"

	"github.com/heraldchat/herald/config"
)

// newLogger returns the structured logger the config asks for. Besides
// config.Secret hiding itself, any attribute whose key names a secret
// (token, secret, password, authorization, cookie) is redacted, so that a
// careless log line cannot leak one.
func newLogger(w io.Writer, c config.Log) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: redactAttr}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

var secretKeys = []string{"token", "secret", "password", "authorization", "cookie"}

func redactAttr(_ []string, a slog.Attr) slog.Attr {
	key := strings.ToLower(a.Key)
	for _, s := range secretKeys {
		if strings.Contains(key, s) && a.Value.String() != "" {
			return slog.String(a.Key, "[redacted]")
		}
	}
	return a
}
