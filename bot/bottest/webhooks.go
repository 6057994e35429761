package bottest

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/webhooks"
)

// The in-memory store's webhooks (webhooks.Store).

var _ webhooks.Store = (*Store)(nil)

type memWebhooks struct {
	hooks   map[string][]byte    // by lower-cased name
	secrets map[string][2]string // signing, authorization
	queue   map[uint64][]byte
	ids     map[string]bool
	log     map[string][][]byte // oldest first
}

func (s *Store) webhooksLocked() *memWebhooks {
	if s.webhooks == nil {
		s.webhooks = &memWebhooks{hooks: map[string][]byte{}, secrets: map[string][2]string{}, queue: map[uint64][]byte{}, ids: map[string]bool{}, log: map[string][][]byte{}}
	}
	return s.webhooks
}

func noWebhook(name string) error {
	return bot.Errorf(bot.ENOTFOUND, "no webhook named %s: `webhook list` shows them", name).Translated("err.webhook.not_found", name)
}

// PutWebhook stores w, replacing the webhook of that name.
func (s *Store) PutWebhook(ctx context.Context, w *webhooks.Webhook) error {
	if strings.TrimSpace(w.Name) == "" {
		return bot.Errorf(bot.EINVALID, "a webhook needs a name")
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.webhooksLocked().hooks[strings.ToLower(w.Name)] = enc(w)
	return nil
}

// Webhook returns the webhook named name, or ENOTFOUND.
func (s *Store) Webhook(ctx context.Context, name string) (*webhooks.Webhook, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return getNamed[webhooks.Webhook](s.webhooksLocked().hooks, name, noWebhook(name))
}

// Webhooks returns every webhook, by name.
func (s *Store) Webhooks(ctx context.Context) ([]*webhooks.Webhook, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return listNamed[webhooks.Webhook](s.webhooksLocked().hooks), nil
}

// DeleteWebhook removes the webhook, its secrets and its log, unless a
// recipe calls it.
func (s *Store) DeleteWebhook(ctx context.Context, name string) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m, key := s.webhooksLocked(), strings.ToLower(name)
	if _, ok := m.hooks[key]; !ok {
		return noWebhook(name)
	}
	for _, b := range s.recipesLocked().recipes {
		r := dec[recipes.Recipe](b)
		for _, a := range r.Actions {
			if a.Kind == recipes.RecipeWebhook && strings.EqualFold(a.Webhook, name) {
				return bot.Errorf(bot.ECONFLICT, "recipe %d (%s) calls webhook %s: change its actions first", r.ID, r.Name, name).Translated("err.webhook.used", r.ID, r.Name, name)
			}
		}
	}
	delete(m.hooks, key)
	delete(m.secrets, key)
	delete(m.log, key)
	return nil
}

// SetWebhookSecrets keeps webhook name's secrets.
func (s *Store) SetWebhookSecrets(ctx context.Context, name, signing, authorization string) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m, key := s.webhooksLocked(), strings.ToLower(name)
	if _, ok := m.hooks[key]; !ok {
		return noWebhook(name)
	}
	m.secrets[key] = [2]string{signing, authorization}
	return nil
}

// WebhookSecrets returns webhook name's secrets.
func (s *Store) WebhookSecrets(ctx context.Context, name string) (string, string, error) {
	if err := s.begin(ctx); err != nil {
		return "", "", err
	}
	defer s.mu.Unlock()
	m, key := s.webhooksLocked(), strings.ToLower(name)
	if _, ok := m.hooks[key]; !ok {
		return "", "", noWebhook(name)
	}
	sec := m.secrets[key]
	return sec[0], sec[1], nil
}

// EnqueueWebhooks stores deliveries, each MsgID once.
func (s *Store) EnqueueWebhooks(ctx context.Context, ds []*webhooks.Delivery) error {
	for _, d := range ds {
		if d.MsgID == "" {
			return bot.Errorf(bot.EINVALID, "a webhook delivery needs a message id")
		}
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m, now := s.webhooksLocked(), s.now()
	for _, d := range ds {
		if m.ids[d.MsgID] {
			continue
		}
		m.ids[d.MsgID] = true
		d.ID, d.CreatedAt = s.next("webhook_outbox"), now
		if d.Due.IsZero() {
			d.Due = now
		}
		m.queue[d.ID] = enc(d)
	}
	return nil
}

// waiting returns the deliveries by due time, then ID; s.mu is held.
func (s *Store) waiting() []*webhooks.Delivery {
	var all []*webhooks.Delivery
	for _, b := range s.webhooksLocked().queue {
		all = append(all, dec[webhooks.Delivery](b))
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].Due.Equal(all[j].Due) {
			return all[i].Due.Before(all[j].Due)
		}
		return all[i].ID < all[j].ID
	})
	return all
}

// DueWebhooks returns up to limit deliveries due at or before now.
func (s *Store) DueWebhooks(ctx context.Context, now time.Time, limit int) ([]*webhooks.Delivery, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []*webhooks.Delivery
	for _, d := range s.waiting() {
		if d.Due.After(now) || limit > 0 && len(out) == limit {
			break
		}
		out = append(out, d)
	}
	return out, nil
}

// NextWebhook returns when the earliest delivery is due (zero if none).
func (s *Store) NextWebhook(ctx context.Context) (time.Time, error) {
	if err := s.begin(ctx); err != nil {
		return time.Time{}, err
	}
	defer s.mu.Unlock()
	if all := s.waiting(); len(all) > 0 {
		return all[0].Due, nil
	}
	return time.Time{}, nil
}

// SettleWebhooks removes done, saves retry and appends the log lines.
func (s *Store) SettleWebhooks(ctx context.Context, done []uint64, retry []*webhooks.Delivery, log map[string][]*webhooks.Attempt) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m := s.webhooksLocked()
	for _, d := range retry {
		if _, ok := m.queue[d.ID]; !ok {
			return bot.Errorf(bot.ENOTFOUND, "no webhook delivery %d", d.ID)
		}
	}
	for _, id := range done {
		delete(m.queue, id)
	}
	for _, d := range retry {
		m.queue[d.ID] = enc(d)
	}
	for name, lines := range log {
		key := strings.ToLower(name)
		if _, ok := m.hooks[key]; !ok {
			continue // deleted meanwhile: its log went with it
		}
		for _, a := range lines {
			m.log[key] = append(m.log[key], enc(a))
		}
		if n := len(m.log[key]) - webhooks.LogSize; n > 0 {
			m.log[key] = m.log[key][n:]
		}
	}
	return nil
}

// WebhookLog returns up to limit of webhook name's last attempts, latest
// first.
func (s *Store) WebhookLog(ctx context.Context, name string, limit int) ([]*webhooks.Attempt, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	lines := s.webhooksLocked().log[strings.ToLower(name)]
	var out []*webhooks.Attempt
	for i := len(lines) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		out = append(out, dec[webhooks.Attempt](lines[i]))
	}
	return out, nil
}
