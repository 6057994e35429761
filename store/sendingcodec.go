package store

import (
	"encoding/binary"
	"time"

	"github.com/heraldchat/herald/bot"
)

// Sendings are the hottest records (two writes per message sent), so they
// are stored in a compact binary form rather than JSON: after the state
// byte, a format byte, then every field in a fixed order, numbers as
// varints and strings length-prefixed. A new field goes at the end under a
// new format byte; older formats stay readable.

const sendingFormat1 = 1

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, 0)
	}
	return binary.AppendVarint(b, t.UnixNano())
}

func appendAddress(b []byte, a bot.Address) []byte {
	return appendString(appendString(b, string(a.Platform)), a.ID)
}

// encodeSendingBinary appends s in format 1 (without the state byte).
func encodeSendingBinary(b []byte, s *bot.Sending) []byte {
	b = append(b, sendingFormat1)
	b = binary.AppendUvarint(b, uint64(s.ID))
	b = binary.AppendUvarint(b, uint64(s.CampaignID))
	b = appendString(b, s.Key)
	b = binary.AppendUvarint(b, s.Source)
	b = binary.AppendUvarint(b, uint64(len(s.Attributes)))
	for k, v := range s.Attributes {
		b = appendString(appendString(b, k), v)
	}
	b = appendAddress(b, s.Address)
	b = appendTime(b, s.PlannedAt)
	b = appendTime(b, s.NextAt)
	b = binary.AppendUvarint(b, uint64(s.Attempts))
	b = appendString(b, string(s.Step))
	b = appendString(b, s.Error)
	b = appendString(b, s.Reason)
	b = appendTime(b, s.SentAt)
	b = appendAddress(b, s.Message.Channel)
	b = appendString(b, s.Message.ID)
	resent := byte(0)
	if s.Resent {
		resent = 1
	}
	return append(b, resent)
}

// sendingReader reads the fields of an encoded sending in order; the first
// malformed field makes ok false for good. Strings are cut from one copy
// of the record (src), so that decoding a sending allocates once for all
// its strings rather than once per string.
type sendingReader struct {
	b   []byte
	src string // the same bytes as b, as a string
	off int
	ok  bool
}

func (r *sendingReader) uvarint() uint64 {
	if !r.ok {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.ok = false
		return 0
	}
	r.off += n
	return v
}

func (r *sendingReader) time() time.Time {
	if !r.ok {
		return time.Time{}
	}
	v, n := binary.Varint(r.b[r.off:])
	if n <= 0 {
		r.ok = false
		return time.Time{}
	}
	r.off += n
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

func (r *sendingReader) string() string {
	if !r.ok {
		return ""
	}
	n, w := binary.Uvarint(r.b[r.off:])
	if w <= 0 || n > uint64(len(r.b)-r.off-w) {
		r.ok = false
		return ""
	}
	start := r.off + w
	r.off = start + int(n)
	return r.src[start:r.off]
}

// skip passes over a string without reading it.
func (r *sendingReader) skip() {
	if !r.ok {
		return
	}
	n, w := binary.Uvarint(r.b[r.off:])
	if w <= 0 || n > uint64(len(r.b)-r.off-w) {
		r.ok = false
		return
	}
	r.off += w + int(n)
}

// left is how many bytes remain unread.
func (r *sendingReader) left() int { return len(r.b) - r.off }

func (r *sendingReader) address() bot.Address {
	return bot.Address{Platform: bot.Platform(r.string()), ID: r.string()}
}

// decodeSendingBinary reads a sending written by encodeSendingBinary (the
// bytes after the state byte).
func decodeSendingBinary(b []byte, state bot.SendingState) (*bot.Sending, error) {
	if len(b) == 0 || b[0] != sendingFormat1 {
		return nil, internal("a sending record has an unknown format")
	}
	r := &sendingReader{b: b[1:], src: string(b[1:]), ok: true}
	s := &bot.Sending{State: state}
	s.ID = bot.SendingID(r.uvarint())
	s.CampaignID = bot.CampaignID(r.uvarint())
	s.Key = r.string()
	s.Source = r.uvarint()
	if n := r.uvarint(); n > 0 && n <= uint64(r.left()) {
		s.Attributes = make(map[string]string, n)
		for range n {
			k := r.string()
			s.Attributes[k] = r.string()
		}
	} else if n > 0 {
		r.ok = false
	}
	s.Address = r.address()
	s.PlannedAt, s.NextAt = r.time(), r.time()
	s.Attempts = int(r.uvarint())
	s.Step, s.Error, s.Reason = bot.Step(r.string()), r.string(), r.string()
	s.SentAt = r.time()
	s.Message.Channel = r.address()
	s.Message.ID = r.string()
	if !r.ok || r.left() != 1 {
		return nil, internal("a sending record is damaged")
	}
	s.Resent = r.b[r.off] == 1
	return s, nil
}
