// Package engagement follows what recipients do with a campaign's
// message: its links rewritten to go through herald and counted when
// clicked, the message seen where the platform tells, and the answers;
// the counts, the people in each state and the engagement export.
package engagement

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/surveys"
)

// Store is what the tracker reads and writes.
type Store interface {
	RecordStore
	Campaign(ctx context.Context, id bot.CampaignID) (*bot.Campaign, error)
	Sending(ctx context.Context, cid bot.CampaignID, id bot.SendingID) (*bot.Sending, error)
	Sendings(ctx context.Context, cid bot.CampaignID, after bot.SendingID, limit int) ([]*bot.Sending, error)
	SendingCounts(ctx context.Context, cid bot.CampaignID) (bot.SendingCounts, error)
	SurveyTally(ctx context.Context, id bot.CampaignID) (*surveys.Tally, error)
	Responses(ctx context.Context, id bot.CampaignID, fn func(*surveys.Response) error) error
	ConversationByParticipant(ctx context.Context, participant bot.Address) (*bot.Conversation, error)
}

// DefaultTTL is how long after a campaign ends its links still redirect.
const DefaultTTL = 180 * 24 * time.Hour

// pixelLink is the link index of an email's open pixel.
const pixelLink = 255

// macSize is the bytes of a token's signature: 96 bits, unguessable.
const macSize = 12

// Tracker rewrites campaign messages' links and records engagement.
type Tracker struct {
	Store Store
	// Key signs link tokens (a secret kept in the store).
	Key []byte
	// BaseURL is herald's public address (http.public_url): links are
	// rewritten to BaseURL/l/TOKEN. Empty, links are left as they are.
	BaseURL string
	// Opens adds an open pixel to emails (email.track_opens).
	Opens bool
	// Render is the message a sending got, personalised at the time at,
	// before its links were rewritten (the engine's Render): a click finds
	// its link there, so that nothing is stored when a message is sent.
	Render func(c *bot.Campaign, s *bot.Sending, at time.Time) (bot.Message, error)
	// TTL is how long after its campaign ends a link still works
	// (DefaultTTL when zero); then it is expired.
	TTL   time.Duration
	Clock clock.Clock
}

// linkRE finds the links of a message's text, in one pass: `code`
// (group 1: left alone), a [label](URL) (groups 2 and 3), a (URL) that
// follows a label of several lines (group 4: left alone), or a bare URL
// (group 5), which may hold balanced parentheses (Wikipedia's) but not
// herald's markup characters.
var linkRE = regexp.MustCompile("(`[^`\n]*`)" +
	`|\[([^\]\n]+)\]\((https?://[^)\s"]+)\)` +
	`|(\]\(https?://[^)\s"]+\))` +
	"|(https?://(?:[^\\s<>\"()\\[\\]`*]|\\([^\\s<>\"()`*]*\\))+)")

// eachLink calls fn with each web link of m in order (the text's, then
// the link buttons'), and returns m with each link replaced by what fn
// returns. Text in `code` is left alone, as are addresses that are not
// http(s).
func eachLink(m bot.Message, fn func(url string) string) bot.Message {
	m.Text = linkRE.ReplaceAllStringFunc(m.Text, func(found string) string {
		sub := linkRE.FindStringSubmatch(found)
		switch {
		case sub[3] != "":
			return "[" + sub[2] + "](" + fn(sub[3]) + ")"
		case sub[5] != "":
			u, tail := trimTail(sub[5])
			if u == "" {
				return found
			}
			// A bare address keeps showing as itself, and goes through
			// herald.
			return "[" + u + "](" + fn(u) + ")" + tail
		}
		return found
	})
	if len(m.Buttons) > 0 {
		bs := make([]bot.Button, len(m.Buttons))
		copy(bs, m.Buttons)
		for i := range bs {
			// Only web links: anything else (a placeholder that gave
			// javascript:…) stays as it is, for Validate to refuse.
			if bs[i].Action.Kind == bot.ActionLink && webURL(bs[i].Action.URL) {
				bs[i].Action.URL = fn(bs[i].Action.URL)
			}
		}
		m.Buttons = bs
	}
	return m
}

// webURL reports whether s is an http(s) address with a host.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// trimTail splits the punctuation that ends a sentence (and markup that
// closes around the address) from a bare URL.
func trimTail(u string) (string, string) {
	end := len(u)
	for end > 0 && strings.ContainsRune(".,;:!?'_", rune(u[end-1])) {
		end--
	}
	if end <= len("https://") {
		return "", u
	}
	return u[:end], u[end:]
}

// Links returns m's links in the order Rewrite numbers them.
func Links(m bot.Message) []string {
	var out []string
	eachLink(m, func(u string) string { out = append(out, u); return u })
	return out
}

// Rewrite is the message sending s of campaign c sends, m as Render made
// it at the time at: with its Tracking set, its links going through
// herald when BaseURL is set, and an open pixel for an email when Opens
// is set.
func (t *Tracker) Rewrite(c *bot.Campaign, s *bot.Sending, at time.Time, m bot.Message) bot.Message {
	tr := &bot.Tracking{Campaign: c.ID, Sending: s.ID}
	if t.BaseURL != "" {
		n := 0
		m = eachLink(m, func(u string) string {
			if n >= pixelLink {
				return u // a message with 255 links keeps the rest as they are
			}
			n++
			return t.BaseURL + "/l/" + t.token(linkRef{c.ID, s.ID, n - 1, at.Unix(), destHash(u)})
		})
		tr.Links = n > 0
		if t.Opens && s.Address.Platform == bot.PlatformEmail {
			tr.Pixel = t.BaseURL + "/o/" + t.token(linkRef{c.ID, s.ID, pixelLink, at.Unix(), 0})
		}
	}
	m.Tracking = tr
	return m
}

// linkRef is what a link token says: which link of which sending, when
// its message was made (a click makes it again as it was), and a hash of
// where it goes (a message changed since is told, not followed).
type linkRef struct {
	campaign bot.CampaignID
	sending  bot.SendingID
	link     int
	at       int64
	dest     uint32
}

// destHash is a link's address, hashed to 4 bytes.
func destHash(u string) uint32 {
	h := sha256.Sum256([]byte(u))
	return binary.BigEndian.Uint32(h[:4])
}

// token signs a link: its reference, then an HMAC of it.
func (t *Tracker) token(r linkRef) string {
	p := binary.AppendUvarint(nil, uint64(r.campaign))
	p = binary.AppendUvarint(p, uint64(r.sending))
	p = append(p, byte(r.link))
	p = binary.AppendUvarint(p, uint64(r.at))
	p = binary.BigEndian.AppendUint32(p, r.dest)
	return base64.RawURLEncoding.EncodeToString(append(p, t.mac(p)...))
}

func (t *Tracker) mac(p []byte) []byte {
	h := hmac.New(sha256.New, t.Key)
	h.Write([]byte("herald link\x00"))
	h.Write(p)
	return h.Sum(nil)[:macSize]
}

// parse reads a token herald made; ok is false for any other string.
func (t *Tracker) parse(tok string) (r linkRef, ok bool) {
	if len(tok) > 96 {
		return linkRef{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) < 8+macSize {
		return linkRef{}, false
	}
	p, mac := b[:len(b)-macSize], b[len(b)-macSize:]
	if !hmac.Equal(mac, t.mac(p)) {
		return linkRef{}, false
	}
	c, n := binary.Uvarint(p)
	if n <= 0 {
		return linkRef{}, false
	}
	p = p[n:]
	s, n := binary.Uvarint(p)
	if n <= 0 || n >= len(p) {
		return linkRef{}, false
	}
	link := int(p[n])
	p = p[n+1:]
	at, n := binary.Uvarint(p)
	if n <= 0 || len(p)-n != 4 {
		return linkRef{}, false
	}
	return linkRef{bot.CampaignID(c), bot.SendingID(s), link, int64(at), binary.BigEndian.Uint32(p[n:])}, true
}

// unknown is the error for a token herald did not make.
func unknown() error {
	return bot.Errorf(bot.ENOTFOUND, "this link is not one herald made")
}

// Click follows a tracked link: it returns the address the link stands
// for, and counts the click when count is set (not for a HEAD request or
// a link scanner: see Counted). The address comes from the campaign's own
// message, never from the request: there is no open redirect. Errors:
// ENOTFOUND for a token herald did not make (or whose campaign or sending
// is gone), ECONFLICT when the link has expired (TTL after its campaign
// ended).
func (t *Tracker) Click(ctx context.Context, tok string, count bool) (string, error) {
	r, ok := t.parse(tok)
	if !ok || r.link == pixelLink {
		return "", unknown()
	}
	id, sid := r.campaign, r.sending
	c, s, err := t.load(ctx, id, sid)
	if err != nil {
		return "", err
	}
	m, err := t.Render(c, s, time.Unix(r.at, 0))
	if err != nil {
		return "", changed() // a placeholder the message no longer fills
	}
	links := Links(m)
	if r.link >= len(links) || destHash(links[r.link]) != r.dest || !webURL(links[r.link]) {
		return "", changed()
	}
	if count {
		now := t.Clock.Now().UTC()
		if _, err := t.Store.Engage(ctx, id, sid, func(e *Record) error {
			if e.Clicks == 0 {
				e.FirstClick = now
			}
			if e.SeenAt.IsZero() {
				e.SeenAt = now // who clicked saw it
			}
			e.Clicks++
			e.LastClick = now
			return nil
		}); err != nil {
			return "", err
		}
	}
	return links[r.link], nil
}

// changed is the error for a link whose message was edited since it was
// sent (a running nudge's): it no longer says where the link went.
func changed() error {
	return bot.Errorf(bot.ECONFLICT, "this link has expired: its message was changed since it was sent")
}

// load returns the campaign and sending a token names, if its link still
// works.
func (t *Tracker) load(ctx context.Context, id bot.CampaignID, sid bot.SendingID) (*bot.Campaign, *bot.Sending, error) {
	c, err := t.Store.Campaign(ctx, id)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		return nil, nil, unknown()
	}
	if err != nil {
		return nil, nil, err
	}
	ttl := t.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	if !c.FinishedAt.IsZero() && t.Clock.Now().After(c.FinishedAt.Add(ttl)) {
		return nil, nil, bot.Errorf(bot.ECONFLICT, "this link has expired: its campaign ended on %s", c.FinishedAt.Format("2 January 2006"))
	}
	s, err := t.Store.Sending(ctx, id, sid)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		return nil, nil, unknown()
	}
	if err != nil {
		return nil, nil, err
	}
	return c, s, nil
}

// Opened records the message of an open pixel's token seen; a token that
// is not a pixel's is refused (ENOTFOUND).
func (t *Tracker) Opened(ctx context.Context, tok string) error {
	r, ok := t.parse(tok)
	if !ok || r.link != pixelLink {
		return unknown()
	}
	if _, _, err := t.load(ctx, r.campaign, r.sending); err != nil {
		return err
	}
	return t.Seen(ctx, r.campaign, r.sending)
}

// Seen records sending sid of campaign id seen now, unless it already
// was (then it writes nothing).
func (t *Tracker) Seen(ctx context.Context, id bot.CampaignID, sid bot.SendingID) error {
	if e, err := t.Store.Engagement(ctx, id, sid); err != nil || !e.SeenAt.IsZero() {
		return err
	}
	now := t.Clock.Now().UTC()
	_, err := t.Store.Engage(ctx, id, sid, func(e *Record) error {
		if e.SeenAt.IsZero() {
			e.SeenAt = now
		}
		return nil
	})
	return err
}

// scanners are what link scanners and preview fetchers put in their
// User-Agent: they open links, people do not see a click.
var scanners = []string{
	// Slack's, Discord's and Telegram's fetchers say "bot"; their apps'
	// own browsers (Telegram-Android/…) are people.
	"bot", "crawl", "spider", "preview", "scanner", "facebookexternalhit", "whatsapp",
	"skype", "microsoft office", "safelinks", "mimecast", "proofpoint",
	"barracuda", "go-http-client", "python-requests", "curl/", "wget", "headless",
}

// Counted reports whether a request for a tracked link is a person's
// click: a GET from a browser, not a HEAD nor a link scanner.
func Counted(method, userAgent string) bool {
	if method != "GET" || userAgent == "" {
		return false
	}
	ua := strings.ToLower(userAgent)
	for _, s := range scanners {
		if strings.Contains(ua, s) {
			return false
		}
	}
	return true
}
