package bottest

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/apitokens"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/events"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/bot/threads"
)

// Store is an in-memory implementation of every store port of bot, for
// service tests that need no disk. It passes the same conformance suite
// as the bbolt store (store/storetest). Records are kept encoded, so that
// a caller never shares memory with what is stored, and each method holds
// one lock for its whole run: a method is one transaction. It is safe for
// concurrent use.
type Store struct {
	// Clock stamps records; nil means the real clock.
	Clock clock.Clock

	mu            sync.Mutex
	seq           map[string]uint64 // sequences by name
	contacts      map[bot.ContactID][]byte
	byAddr        map[bot.Address]bot.ContactID
	byEmail       map[string]bot.ContactID
	lists         map[string]*memList // by lower-cased name
	campaigns     map[bot.CampaignID][]byte
	sendings      map[bot.CampaignID]*memSendings
	written       time.Time
	events        [][]byte
	eventContact  []bot.ContactID // by Seq-1: whom each event happened to
	nudgeCursor   uint64
	nudgeOnce     map[[2]uint64]bool // campaign, contact
	conversations map[bot.ConversationID][]byte
	convByPart    map[bot.Address]bot.ConversationID
	convByThread  map[bot.ThreadRef]bot.ConversationID
	posts         map[string][][]byte // by channel and thread
	files         map[string]memFile
	snippets      map[string][]byte // by lower-cased name
	recipes       *memRecipes
	webhooks      *memWebhooks
	surveys       *memSurveys
	engagement    *memEngagement
	secrets       map[string][]byte
	outbox        map[uint64][]byte
	intakeKeys    map[string]time.Time
	apiTokens     []*apitokens.Token
	eventKeys     map[string]eventKey
	postKeys      map[string]postKey
}

type memList struct {
	list bot.List
	rows map[uint64][]byte
	next uint64
}

type memSendings struct {
	rows   map[bot.SendingID][]byte
	next   bot.SendingID
	counts bot.SendingCounts
}

type memFile struct {
	channel bot.Address
	file    bot.File
}

// NewStore returns an empty in-memory store stamped by clock (nil for the
// real clock).
func NewStore(clock clock.Clock) *Store {
	return &Store{
		Clock: clock, seq: map[string]uint64{},
		contacts: map[bot.ContactID][]byte{}, byAddr: map[bot.Address]bot.ContactID{}, byEmail: map[string]bot.ContactID{},
		lists: map[string]*memList{}, campaigns: map[bot.CampaignID][]byte{}, sendings: map[bot.CampaignID]*memSendings{},
		conversations: map[bot.ConversationID][]byte{}, convByPart: map[bot.Address]bot.ConversationID{}, convByThread: map[bot.ThreadRef]bot.ConversationID{},
		posts: map[string][][]byte{}, files: map[string]memFile{}, snippets: map[string][]byte{}, secrets: map[string][]byte{},
		outbox: map[uint64][]byte{}, intakeKeys: map[string]time.Time{}, postKeys: map[string]postKey{}, eventKeys: map[string]eventKey{},
		nudgeOnce: map[[2]uint64]bool{},
	}
}

var (
	_ bot.CampaignStore     = (*Store)(nil)
	_ bot.SendingStore      = (*Store)(nil)
	_ bot.ListStore         = (*Store)(nil)
	_ bot.ContactStore      = (*Store)(nil)
	_ bot.EventStore        = (*Store)(nil)
	_ bot.ConversationStore = (*Store)(nil)
	_ bot.PostStore         = (*Store)(nil)
	_ threads.SnippetStore  = (*Store)(nil)
	_ bot.OutboxStore       = (*Store)(nil)
	_ apitokens.Store       = (*Store)(nil)
	_ events.Recorder       = (*Store)(nil)
	_ threads.IntakeStore   = (*Store)(nil)
)

// begin checks ctx and takes the store's lock; the caller unlocks.
func (s *Store) begin(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	return nil
}

func (s *Store) now() time.Time {
	if s.Clock == nil {
		return time.Now().UTC()
	}
	return s.Clock.Now().UTC()
}

func (s *Store) next(name string) uint64 {
	s.seq[name]++
	return s.seq[name]
}

func enc(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("bottest store: encoding %T: %v", v, err)) // a test type that cannot be stored is a bug in the test
	}
	return b
}

func dec[T any](b []byte) *T {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		panic(fmt.Sprintf("bottest store: decoding %T: %v", v, err))
	}
	return &v
}

// ---- contacts

// CreateContact stores c, setting its ID and timestamps; ECONFLICT if one
// of its addresses or its email belongs to another contact.
func (s *Store) CreateContact(ctx context.Context, c *bot.Contact) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if err := s.checkContact(c, 0); err != nil {
		return err
	}
	c.ID = bot.ContactID(s.next("contacts"))
	now := s.now()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.UpdatedAt = now
	s.contacts[c.ID] = enc(c)
	s.indexContact(c)
	return nil
}

// Contact returns the contact with that ID, or ENOTFOUND.
func (s *Store) Contact(ctx context.Context, id bot.ContactID) (*bot.Contact, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return s.contact(id)
}

func (s *Store) contact(id bot.ContactID) (*bot.Contact, error) {
	b, ok := s.contacts[id]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "contact %d not found", id)
	}
	return dec[bot.Contact](b), nil
}

// ContactByAddress returns the contact holding addr, or ENOTFOUND.
func (s *Store) ContactByAddress(ctx context.Context, addr bot.Address) (*bot.Contact, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	id, ok := s.byAddr[addr]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no contact has the address %s", addr)
	}
	return s.contact(id)
}

// ContactByEmail returns the contact with that email, or ENOTFOUND.
func (s *Store) ContactByEmail(ctx context.Context, email string) (*bot.Contact, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	id, ok := s.byEmail[contacts.NormalizeEmail(email)]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no contact has the email %s", email)
	}
	return s.contact(id)
}

// UpdateContact applies fn to the stored contact and saves it; ECONFLICT
// if fn gives it another contact's address or email.
func (s *Store) UpdateContact(ctx context.Context, id bot.ContactID, fn func(*bot.Contact) error) (*bot.Contact, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	old, err := s.contact(id)
	if err != nil {
		return nil, err
	}
	c, _ := s.contact(id)
	if err := fn(c); err != nil {
		return nil, err
	}
	c.ID, c.CreatedAt, c.UpdatedAt = old.ID, old.CreatedAt, s.now()
	if err := s.checkContact(c, id); err != nil {
		return nil, err
	}
	s.unindexContact(old)
	s.contacts[id] = enc(c)
	s.indexContact(c)
	return c, nil
}

// MoveAddress moves addr from the contact holding it to contact to.
func (s *Store) MoveAddress(ctx context.Context, addr bot.Address, to bot.ContactID) (*bot.Contact, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	id, ok := s.byAddr[addr]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no contact holds the address %s", addr)
	}
	from, _ := s.contact(id)
	dst, err := s.contact(to)
	if err != nil || id == to {
		return dst, err
	}
	s.unindexContact(from)
	s.unindexContact(dst)
	contacts.MoveAddress(from, dst, addr, s.now())
	for _, c := range []*bot.Contact{from, dst} {
		s.contacts[c.ID] = enc(c)
		s.indexContact(c)
	}
	return dst, nil
}

// Contacts returns the contacts matching f in ID order.
func (s *Store) Contacts(ctx context.Context, f bot.ContactFilter) ([]*bot.Contact, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []*bot.Contact
	s.eachContact(f, func(c *bot.Contact) bool {
		out = append(out, c)
		return f.Limit <= 0 || len(out) < f.Limit
	})
	return out, nil
}

// CountContacts returns how many contacts match f.
func (s *Store) CountContacts(ctx context.Context, f bot.ContactFilter) (int, error) {
	if err := s.begin(ctx); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	f.After, f.Limit = 0, 0
	n := 0
	s.eachContact(f, func(*bot.Contact) bool { n++; return true })
	return n, nil
}

func (s *Store) eachContact(f bot.ContactFilter, fn func(*bot.Contact) bool) {
	ids := make([]bot.ContactID, 0, len(s.contacts))
	for id := range s.contacts {
		if id > f.After {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		c := dec[bot.Contact](s.contacts[id])
		if f.Platform != "" {
			a, ok := c.AddressOn(f.Platform)
			if !ok || (f.Reachable && a.Reach != bot.ReachReachable) {
				continue
			}
		}
		if !fn(c) {
			return
		}
	}
}

// DeleteContact removes the contact, or returns ENOTFOUND.
func (s *Store) DeleteContact(ctx context.Context, id bot.ContactID) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	c, err := s.contact(id)
	if err != nil {
		return err
	}
	s.unindexContact(c)
	delete(s.contacts, id)
	return nil
}

// AssignAttributes merges attributes into the contacts holding the given
// addresses and returns how many changed.
func (s *Store) AssignAttributes(ctx context.Context, attrs map[bot.Address]map[string]string) (int, error) {
	if err := s.begin(ctx); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	n := 0
	for addr, a := range attrs {
		id, ok := s.byAddr[addr]
		if !ok {
			continue
		}
		c, _ := s.contact(id)
		changed := false
		for k, v := range a {
			if v != "" && c.Attributes[k] != v {
				if c.Attributes == nil {
					c.Attributes = map[string]string{}
				}
				c.Attributes[k], changed = v, true
			}
		}
		if changed {
			c.UpdatedAt = s.now()
			s.contacts[id] = enc(c)
			n++
		}
	}
	return n, nil
}

func (s *Store) checkContact(c *bot.Contact, self bot.ContactID) error {
	seen := map[bot.Address]bool{}
	for _, a := range c.Addresses {
		if !a.Address.Platform.Valid() || a.Address.ID == "" {
			return bot.Errorf(bot.EINVALID, "contact address %q is not valid", a.Address)
		}
		if seen[a.Address] {
			return bot.Errorf(bot.EINVALID, "contact lists the address %s twice", a.Address)
		}
		seen[a.Address] = true
		if id, ok := s.byAddr[a.Address]; ok && id != self {
			return bot.Errorf(bot.ECONFLICT, "the address %s already belongs to contact %d", a.Address, id)
		}
	}
	if email := contacts.NormalizeEmail(c.Email); email != "" {
		if id, ok := s.byEmail[email]; ok && id != self {
			return bot.Errorf(bot.ECONFLICT, "the email %s already belongs to contact %d", c.Email, id)
		}
	}
	return nil
}

func (s *Store) indexContact(c *bot.Contact) {
	for _, a := range c.Addresses {
		s.byAddr[a.Address] = c.ID
	}
	if email := contacts.NormalizeEmail(c.Email); email != "" {
		s.byEmail[email] = c.ID
	}
}

func (s *Store) unindexContact(c *bot.Contact) {
	for _, a := range c.Addresses {
		if s.byAddr[a.Address] == c.ID {
			delete(s.byAddr, a.Address)
		}
	}
	if email := contacts.NormalizeEmail(c.Email); email != "" && s.byEmail[email] == c.ID {
		delete(s.byEmail, email)
	}
}

// ---- lists

func listKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// CreateList stores l with Size 0, or returns ECONFLICT.
func (s *Store) CreateList(ctx context.Context, l *bot.List) error {
	if strings.TrimSpace(l.Name) == "" {
		return bot.Errorf(bot.EINVALID, "a list needs a name")
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if _, ok := s.lists[listKey(l.Name)]; ok {
		return bot.Errorf(bot.ECONFLICT, "a list named %s already exists", l.Name)
	}
	now := s.now()
	l.Size, l.CreatedAt, l.UpdatedAt, l.Filled = 0, now, now, map[string]int{}
	if l.UpdatedBy == (bot.Actor{}) {
		l.UpdatedBy = l.CreatedBy
	}
	s.lists[listKey(l.Name)] = &memList{list: *dec[bot.List](enc(l)), rows: map[uint64][]byte{}}
	return nil
}

func (s *Store) list(name string) (*memList, error) {
	l, ok := s.lists[listKey(name)]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no list named %s", name)
	}
	return l, nil
}

// List returns the list named name, or ENOTFOUND.
func (s *Store) List(ctx context.Context, name string) (*bot.List, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	l, err := s.list(name)
	if err != nil {
		return nil, err
	}
	return dec[bot.List](enc(&l.list)), nil
}

// Lists returns every list in name order.
func (s *Store) Lists(ctx context.Context) ([]*bot.List, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.lists))
	for k := range s.lists {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*bot.List, 0, len(keys))
	for _, k := range keys {
		out = append(out, dec[bot.List](enc(&s.lists[k].list)))
	}
	return out, nil
}

// DeleteList removes the list and its recipients, or returns ENOTFOUND.
func (s *Store) DeleteList(ctx context.Context, name string) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if _, err := s.list(name); err != nil {
		return err
	}
	delete(s.lists, listKey(name))
	return nil
}

// PutRecipients appends rs (ID 0) or replaces them (ID set) in one
// transaction: all of them or none.
func (s *Store) PutRecipients(ctx context.Context, name string, rs []bot.Recipient, by bot.Actor) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	l, err := s.list(name)
	if err != nil {
		return err
	}
	for i, r := range rs {
		if strings.TrimSpace(r.Key) == "" {
			return bot.Errorf(bot.EINVALID, "recipient %d of the batch has an empty key", i+1)
		}
		if _, ok := l.rows[r.ID]; r.ID != 0 && !ok {
			return bot.Errorf(bot.ENOTFOUND, "list %s has no recipient %d", name, r.ID)
		}
	}
	for i := range rs {
		r := &rs[i]
		if r.ID == 0 {
			l.next++
			r.ID = l.next
			l.list.Size++
		} else {
			lists.CountFilled(&l.list, dec[bot.Recipient](l.rows[r.ID]), -1)
		}
		lists.CountFilled(&l.list, r, +1)
		for col, v := range r.Attributes {
			if v != "" && !slices.Contains(l.list.Columns, col) {
				l.list.Columns = append(l.list.Columns, col)
			}
		}
		stored := bot.Recipient{Key: r.Key}
		for col, v := range r.Attributes {
			if v != "" {
				if stored.Attributes == nil {
					stored.Attributes = map[string]string{}
				}
				stored.Attributes[col] = v
			}
		}
		l.rows[r.ID] = enc(stored)
	}
	l.list.UpdatedAt, l.list.UpdatedBy = s.now(), by
	return nil
}

// Recipients returns up to limit recipients after the given ID, in ID
// order.
func (s *Store) Recipients(ctx context.Context, name string, after uint64, limit int) ([]bot.Recipient, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	l, err := s.list(name)
	if err != nil {
		return nil, err
	}
	ids := make([]uint64, 0, len(l.rows))
	for id := range l.rows {
		if id > after {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []bot.Recipient
	for _, id := range ids {
		r := dec[bot.Recipient](l.rows[id])
		r.ID = id
		out = append(out, *r)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// ReplaceRecipients moves from's recipients into name (created when
// missing) in one transaction.
func (s *Store) ReplaceRecipients(ctx context.Context, name, from string, by bot.Actor) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	src, err := s.list(from)
	if err != nil {
		return err
	}
	dst, err := s.list(name)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		delete(s.lists, listKey(from))
		src.list.Name, src.list.CreatedBy, src.list.UpdatedBy, src.list.UpdatedAt = strings.TrimSpace(name), by, by, s.now()
		s.lists[listKey(name)] = src
		return nil
	}
	if err != nil {
		return err
	}
	if dst.list.KeyColumn != src.list.KeyColumn {
		return bot.Errorf(bot.EINVALID, "list %s is keyed by %s, the new rows by %s", dst.list.Name, dst.list.KeyColumn, src.list.KeyColumn)
	}
	delete(s.lists, listKey(from))
	dst.rows, dst.next, dst.list.Size, dst.list.Columns, dst.list.Filled = src.rows, src.next, src.list.Size, src.list.Columns, src.list.Filled
	dst.list.UpdatedAt, dst.list.UpdatedBy = s.now(), by
	return nil
}

// ---- campaigns and sendings

// CreateCampaign stores c as a new draft, setting its ID and CreatedAt if
// unset; EINVALID when c is not a draft.
func (s *Store) CreateCampaign(ctx context.Context, c *bot.Campaign) error {
	if c.State == "" {
		c.State = bot.CampaignDraft
	}
	if c.State != bot.CampaignDraft {
		return bot.Errorf(bot.EINVALID, "a new campaign must be a draft, not %s", c.State)
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	c.ID = bot.CampaignID(s.next("campaigns"))
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.now()
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt, c.UpdatedBy = c.CreatedAt, c.CreatedBy
	}
	s.campaigns[c.ID] = enc(c)
	return nil
}

func (s *Store) campaign(id bot.CampaignID) (*bot.Campaign, error) {
	b, ok := s.campaigns[id]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "campaign %d not found", id)
	}
	return dec[bot.Campaign](b), nil
}

// Campaign returns the campaign with that ID, or ENOTFOUND.
func (s *Store) Campaign(ctx context.Context, id bot.CampaignID) (*bot.Campaign, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return s.campaign(id)
}

// Campaigns returns the campaigns in f's states (all when none), newest
// first.
func (s *Store) Campaigns(ctx context.Context, f bot.CampaignFilter) ([]*bot.Campaign, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	ids := make([]bot.CampaignID, 0, len(s.campaigns))
	for id := range s.campaigns {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	var out []*bot.Campaign
	for _, id := range ids {
		c := dec[bot.Campaign](s.campaigns[id])
		if len(f.States) == 0 || slices.Contains(f.States, c.State) {
			out = append(out, c)
		}
	}
	return out, nil
}

// UpdateCampaign applies fn to the stored campaign and saves it; the ID
// cannot change.
func (s *Store) UpdateCampaign(ctx context.Context, id bot.CampaignID, fn func(*bot.Campaign) error) (*bot.Campaign, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	c, err := s.campaign(id)
	if err != nil {
		return nil, err
	}
	if err := fn(c); err != nil {
		return nil, err
	}
	c.ID = id
	s.campaigns[id] = enc(c)
	return c, nil
}

// DeleteCampaign removes a draft and its sendings; ECONFLICT otherwise.
func (s *Store) DeleteCampaign(ctx context.Context, id bot.CampaignID) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	c, err := s.campaign(id)
	if err != nil {
		return err
	}
	if c.State != bot.CampaignDraft {
		return bot.Errorf(bot.ECONFLICT, "campaign %d is %s: only drafts can be deleted (cancel it instead)", id, c.State)
	}
	delete(s.sendings, id)
	delete(s.campaigns, id)
	return nil
}

// CreateSendings stores ss for campaign cid in one transaction, setting
// their IDs; ENOTFOUND if the campaign does not exist.
func (s *Store) CreateSendings(ctx context.Context, cid bot.CampaignID, ss []*bot.Sending) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	c, err := s.campaign(cid)
	if err != nil {
		return err
	}
	if c.State == bot.CampaignCancelled || c.State == bot.CampaignDone {
		return bot.Errorf(bot.ECONFLICT, "campaign %d is %s: it takes no more recipients", cid, c.State)
	}
	m := s.sendings[cid]
	if m == nil {
		m = &memSendings{rows: map[bot.SendingID][]byte{}}
		s.sendings[cid] = m
	}
	for _, sd := range ss {
		if sd.State == "" {
			sd.State = bot.SendingPending
		}
		if !validSendingState(sd.State) {
			return bot.Errorf(bot.EINVALID, "sending %d has no valid state (%q)", sd.ID, sd.State)
		}
	}
	for _, sd := range ss {
		m.next++
		sd.ID, sd.CampaignID = m.next, cid
		m.rows[sd.ID] = enc(sd)
		m.counts.Add(sd.State)
	}
	return nil
}

func validSendingState(st bot.SendingState) bool {
	switch st {
	case bot.SendingPending, bot.SendingScheduled, bot.SendingInFlight, bot.SendingSent, bot.SendingFailed, bot.SendingSkipped:
		return true
	}
	return false
}

// Sending returns one sending, or ENOTFOUND.
func (s *Store) Sending(ctx context.Context, cid bot.CampaignID, id bot.SendingID) (*bot.Sending, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if m := s.sendings[cid]; m != nil {
		if b, ok := m.rows[id]; ok {
			return dec[bot.Sending](b), nil
		}
	}
	return nil, bot.Errorf(bot.ENOTFOUND, "sending %d of campaign %d not found", id, cid)
}

// Sendings returns up to limit sendings of campaign cid after the given
// ID, in ID order.
func (s *Store) Sendings(ctx context.Context, cid bot.CampaignID, after bot.SendingID, limit int) ([]*bot.Sending, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	m := s.sendings[cid]
	if m == nil {
		return nil, nil
	}
	var out []*bot.Sending
	for id := after + 1; id <= m.next; id++ {
		if b, ok := m.rows[id]; ok {
			out = append(out, dec[bot.Sending](b))
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// DueSendings returns up to limit open sendings of campaign cid after the
// position after, in due order (a sort of them all: a test store).
func (s *Store) DueSendings(ctx context.Context, cid bot.CampaignID, after bot.DuePos, limit int) ([]*bot.Sending, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	m := s.sendings[cid]
	if m == nil {
		return nil, nil
	}
	var out []*bot.Sending
	for _, b := range m.rows {
		if sd := dec[bot.Sending](b); sd.Open() && after.Before(bot.PosOf(sd)) {
			out = append(out, sd)
		}
	}
	slices.SortFunc(out, func(a, b *bot.Sending) int {
		switch pa, pb := bot.PosOf(a), bot.PosOf(b); {
		case pa.Before(pb):
			return -1
		case pb.Before(pa):
			return 1
		}
		return 0
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// UpdateSendings saves every sending of ss in one transaction, or none.
func (s *Store) UpdateSendings(ctx context.Context, ss []*bot.Sending) error {
	return s.ApplySendings(ctx, nil, ss, nil)
}

// ApplySendings changes the states named by marks, then saves ss, keeping
// the counters, in one transaction: all of it or nothing.
func (s *Store) ApplySendings(ctx context.Context, marks []bot.SendingMark, ss []*bot.Sending, events []*bot.Event) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	// Check everything first: a refused batch changes nothing.
	find := func(cid bot.CampaignID, id bot.SendingID) (*memSendings, error) {
		if m := s.sendings[cid]; m != nil {
			if _, ok := m.rows[id]; ok {
				return m, nil
			}
		}
		return nil, bot.Errorf(bot.ENOTFOUND, "sending %d of campaign %d not found", id, cid)
	}
	for _, mk := range marks {
		if !validSendingState(mk.State) {
			return bot.Errorf(bot.EINVALID, "sending %d has no valid state (%q)", mk.ID, mk.State)
		}
		if _, err := find(mk.CampaignID, mk.ID); err != nil {
			return err
		}
	}
	for _, sd := range ss {
		if !validSendingState(sd.State) {
			return bot.Errorf(bot.EINVALID, "sending %d has no valid state (%q)", sd.ID, sd.State)
		}
		if _, err := find(sd.CampaignID, sd.ID); err != nil {
			return err
		}
	}
	for _, e := range events {
		if e.Type == "" {
			return bot.Errorf(bot.EINVALID, "an event needs a type")
		}
	}
	write := func(m *memSendings, sd *bot.Sending) {
		old := dec[bot.Sending](m.rows[sd.ID])
		if old.State != sd.State {
			removeCount(&m.counts, old.State)
			m.counts.Add(sd.State)
		}
		m.rows[sd.ID] = enc(sd)
	}
	for _, mk := range marks {
		m, _ := find(mk.CampaignID, mk.ID)
		sd := dec[bot.Sending](m.rows[mk.ID])
		sd.State = mk.State
		write(m, sd)
	}
	for _, sd := range ss {
		m, _ := find(sd.CampaignID, sd.ID)
		write(m, sd)
	}
	now := s.now()
	for _, e := range events {
		s.appendEvent(e, now)
	}
	s.written = now
	return nil
}

func removeCount(c *bot.SendingCounts, st bot.SendingState) {
	var minus bot.SendingCounts
	minus.Add(st)
	c.Total -= minus.Total
	c.Pending -= minus.Pending
	c.Scheduled -= minus.Scheduled
	c.InFlight -= minus.InFlight
	c.Sent -= minus.Sent
	c.Failed -= minus.Failed
	c.Skipped -= minus.Skipped
}

// SendingCounts returns the counters of campaign cid.
func (s *Store) SendingCounts(ctx context.Context, cid bot.CampaignID) (bot.SendingCounts, error) {
	if err := s.begin(ctx); err != nil {
		return bot.SendingCounts{}, err
	}
	defer s.mu.Unlock()
	if m := s.sendings[cid]; m != nil {
		return m.counts, nil
	}
	return bot.SendingCounts{}, nil
}

// SendingsWrittenAt returns when ApplySendings last wrote (zero if never).
func (s *Store) SendingsWrittenAt(ctx context.Context) (time.Time, error) {
	if err := s.begin(ctx); err != nil {
		return time.Time{}, err
	}
	defer s.mu.Unlock()
	return s.written, nil
}

// ---- events

// AppendEvent stores e at the end of the log, setting Seq (and At if
// unset); EINVALID without a type.
func (s *Store) AppendEvent(ctx context.Context, e *bot.Event) error {
	if e.Type == "" {
		return bot.Errorf(bot.EINVALID, "an event needs a type")
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.appendEvent(e, s.now())
	return nil
}

// appendEvent stores e at the end of the log, setting Seq (and At to now
// if unset); s.mu is held.
func (s *Store) appendEvent(e *bot.Event, now time.Time) {
	e.Seq = uint64(len(s.events) + 1)
	if e.At.IsZero() {
		e.At = now
	}
	s.events = append(s.events, enc(e))
	id := e.ContactID
	if id == 0 && !e.Subject.IsZero() {
		id = s.byAddr[e.Subject]
	}
	s.eventContact = append(s.eventContact, id)
}

// Events returns up to limit events after seq, in order.
func (s *Store) Events(ctx context.Context, after uint64, limit int) ([]*bot.Event, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []*bot.Event
	for i := after; i < uint64(len(s.events)); i++ {
		out = append(out, dec[bot.Event](s.events[i]))
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// ContactEvents returns up to limit events of contact id after Seq
// after, in order.
func (s *Store) ContactEvents(ctx context.Context, id bot.ContactID, after uint64, limit int) ([]*bot.Event, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []*bot.Event
	for i := after; i < uint64(len(s.events)); i++ {
		if s.eventContact[i] != id || id == 0 {
			continue
		}
		out = append(out, dec[bot.Event](s.events[i]))
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// ContactEventsBefore returns up to limit (0: all) events of contact id
// with Seq below before (0: no bound), newest first.
func (s *Store) ContactEventsBefore(ctx context.Context, id bot.ContactID, before uint64, limit int) ([]*bot.Event, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	end := uint64(len(s.events))
	if before > 0 {
		end = min(end, before-1)
	}
	var out []*bot.Event
	for i := int(end) - 1; i >= 0; i-- {
		if s.eventContact[i] != id || id == 0 {
			continue
		}
		out = append(out, dec[bot.Event](s.events[i]))
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// ConversationEvents returns up to limit (0: all) events of
// conversation id after Seq after, in order.
func (s *Store) ConversationEvents(ctx context.Context, id bot.ConversationID, after uint64, limit int) ([]*bot.Event, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []*bot.Event
	for i := after; i < uint64(len(s.events)); i++ {
		e := dec[bot.Event](s.events[i])
		if id == 0 || e.ConversationID != id {
			continue
		}
		out = append(out, e)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// ---- nudges

// LastEventSeq returns the Seq of the last event recorded (0 if none).
func (s *Store) LastEventSeq(ctx context.Context) (uint64, error) {
	if err := s.begin(ctx); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	return uint64(len(s.events)), nil
}

// NudgeCursor returns the Seq of the last event the nudge scheduler took
// into account.
func (s *Store) NudgeCursor(ctx context.Context) (uint64, error) {
	if err := s.begin(ctx); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	return s.nudgeCursor, nil
}

// ScheduleNudges creates the sendings of ss that their nudge takes and
// moves the cursor, in one transaction.
func (s *Store) ScheduleNudges(ctx context.Context, cursor uint64, ss []*bot.Sending) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	for _, sd := range ss {
		if !validSendingState(sd.State) && sd.State != "" {
			return bot.Errorf(bot.EINVALID, "sending has no valid state (%q)", sd.State)
		}
	}
	for _, sd := range ss {
		sd.ID = 0
		c, err := s.campaign(sd.CampaignID)
		if err != nil || c.Nudge == nil || c.State != bot.CampaignRunning && c.State != bot.CampaignPaused {
			continue
		}
		key := [2]uint64{uint64(c.ID), sd.Source}
		if !c.Nudge.EachTime {
			if s.nudgeOnce[key] {
				continue
			}
			s.nudgeOnce[key] = true
		}
		m := s.sendings[c.ID]
		if m == nil {
			m = &memSendings{rows: map[bot.SendingID][]byte{}}
			s.sendings[c.ID] = m
		}
		if sd.State == "" {
			sd.State = bot.SendingPending
		}
		m.next++
		sd.ID = m.next
		m.rows[sd.ID] = enc(sd)
		m.counts.Add(sd.State)
	}
	s.nudgeCursor = cursor
	return nil
}

// ---- conversations

// ConversationFor returns the participant's conversation, creating it
// with init when there is none: exactly one per participant.
func (s *Store) ConversationFor(ctx context.Context, participant bot.Address, init func(*bot.Conversation)) (*bot.Conversation, bool, error) {
	if participant.IsZero() {
		return nil, false, bot.Errorf(bot.EINVALID, "a conversation needs a participant address")
	}
	if err := s.begin(ctx); err != nil {
		return nil, false, err
	}
	defer s.mu.Unlock()
	return s.conversationFor(participant, init)
}

func (s *Store) conversationFor(participant bot.Address, init func(*bot.Conversation)) (*bot.Conversation, bool, error) {
	if id, ok := s.convByPart[participant]; ok {
		return dec[bot.Conversation](s.conversations[id]), false, nil
	}
	c := &bot.Conversation{Status: bot.ConversationOpen}
	if init != nil {
		init(c)
	}
	if _, taken := s.convByThread[c.Thread]; !c.Thread.IsZero() && taken {
		return nil, false, bot.Errorf(bot.ECONFLICT, "thread %s already belongs to another conversation", c.Thread.ID)
	}
	now := s.now()
	c.ID, c.Participant, c.CreatedAt, c.UpdatedAt = bot.ConversationID(s.next("conversations")), participant, now, now
	s.conversations[c.ID] = enc(c)
	s.indexConversation(c)
	return c, true, nil
}

func (s *Store) indexConversation(c *bot.Conversation) {
	s.convByPart[c.Participant] = c.ID
	if !c.Thread.IsZero() {
		s.convByThread[c.Thread] = c.ID
	}
}

func (s *Store) conversation(id bot.ConversationID) (*bot.Conversation, error) {
	b, ok := s.conversations[id]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "conversation %d not found", id)
	}
	return dec[bot.Conversation](b), nil
}

// Conversation returns the conversation with that ID, or ENOTFOUND.
func (s *Store) Conversation(ctx context.Context, id bot.ConversationID) (*bot.Conversation, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return s.conversation(id)
}

// ConversationByParticipant returns the participant's conversation, or
// ENOTFOUND.
func (s *Store) ConversationByParticipant(ctx context.Context, participant bot.Address) (*bot.Conversation, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	id, ok := s.convByPart[participant]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no conversation with %s", participant)
	}
	return s.conversation(id)
}

// ConversationByThread returns the conversation shown in thread t, or
// ENOTFOUND.
func (s *Store) ConversationByThread(ctx context.Context, t bot.ThreadRef) (*bot.Conversation, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	id, ok := s.convByThread[t]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no conversation in thread %s", t.ID)
	}
	return s.conversation(id)
}

// UpdateConversation applies fn to the stored conversation and saves it;
// EINVALID if fn changes the participant, ECONFLICT if it moves it into
// another conversation's thread.
func (s *Store) UpdateConversation(ctx context.Context, id bot.ConversationID, fn func(*bot.Conversation) error) (*bot.Conversation, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return s.updateConversation(id, fn)
}

func (s *Store) updateConversation(id bot.ConversationID, fn func(*bot.Conversation) error) (*bot.Conversation, error) {
	old, err := s.conversation(id)
	if err != nil {
		return nil, err
	}
	c, _ := s.conversation(id)
	if err := fn(c); err != nil {
		return nil, err
	}
	if c.Participant != old.Participant {
		return nil, bot.Errorf(bot.EINVALID, "the participant of conversation %d cannot change", id)
	}
	c.ID, c.CreatedAt, c.UpdatedAt = id, old.CreatedAt, s.now()
	if c.Thread != old.Thread {
		if other, ok := s.convByThread[c.Thread]; !c.Thread.IsZero() && ok && other != id {
			return nil, bot.Errorf(bot.ECONFLICT, "thread %s already belongs to conversation %d", c.Thread.ID, other)
		}
		if !old.Thread.IsZero() {
			delete(s.convByThread, old.Thread)
		}
	}
	s.conversations[id] = enc(c)
	s.indexConversation(c)
	return c, nil
}

// DueConversations returns the conversations with something due at or
// before now, earliest first.
func (s *Store) DueConversations(ctx context.Context, now time.Time, limit int) ([]*bot.Conversation, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []*bot.Conversation
	for _, raw := range s.conversations {
		c := dec[bot.Conversation](raw)
		if at := c.DueAt(); !at.IsZero() && !at.After(now) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *bot.Conversation) int {
		if c := a.DueAt().Compare(b.DueAt()); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Conversations returns the conversations matching f in ID order.
func (s *Store) Conversations(ctx context.Context, f bot.ConversationFilter) ([]*bot.Conversation, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	ids := make([]bot.ConversationID, 0, len(s.conversations))
	for id := range s.conversations {
		if id > f.After {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []*bot.Conversation
	for _, id := range ids {
		c := dec[bot.Conversation](s.conversations[id])
		if f.Status != "" && c.Status != f.Status {
			continue
		}
		out = append(out, c)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out, nil
}

// ---- posts

// AppendPost stores p at the end of its channel and thread, keeping its
// files (which get IDs) with it.
func (s *Store) AppendPost(ctx context.Context, p *bot.Post) error {
	if p.Channel.IsZero() {
		return bot.Errorf(bot.EINVALID, "a post needs a channel")
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.appendPost(p)
	return nil
}

// appendPost appends p and returns what takes it back; the caller holds
// mu.
func (s *Store) appendPost(p *bot.Post) (undo func()) {
	key := p.Channel.String() + "\x00" + p.Thread
	p.ID = uint64(len(s.posts[key]) + 1)
	if p.At.IsZero() {
		p.At = s.now()
	}
	var made []string
	for i := range p.Message.Files {
		f := &p.Message.Files[i]
		if f.ID != "" || len(f.Data) == 0 {
			continue
		}
		id := strconv.FormatUint(s.next("files"), 10)
		made = append(made, id)
		f.ID, f.Size = id, int64(len(f.Data))
		s.files[id] = memFile{channel: p.Channel, file: bot.File{ID: id, Name: f.Name, ContentType: f.ContentType, Size: f.Size, Data: slices.Clone(f.Data)}}
	}
	s.posts[key] = append(s.posts[key], enc(p))
	return func() {
		s.posts[key] = s.posts[key][:len(s.posts[key])-1]
		for _, id := range made {
			delete(s.files, id)
		}
	}
}

// postKey is a post kept under an idempotency key.
type postKey struct {
	id uint64
	at time.Time
}

// AppendPostOnce stores p unless key was used within bot.KeyTTL.
func (s *Store) AppendPostOnce(ctx context.Context, p *bot.Post, key string) (bool, error) {
	if p.Channel.IsZero() {
		return false, bot.Errorf(bot.EINVALID, "a post needs a channel")
	}
	if key == "" {
		return false, bot.Errorf(bot.EINVALID, "a post sent once needs a key")
	}
	if err := s.begin(ctx); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	now := s.now()
	if k, ok := s.postKeys[key]; ok && now.Sub(k.at) < bot.KeyTTL {
		p.ID = k.id
		return true, nil
	}
	s.appendPost(p)
	s.postKeys[key] = postKey{id: p.ID, at: now}
	return false, nil
}

// PostFilesSize returns the bytes of every file kept with posts.
func (s *Store) PostFilesSize(ctx context.Context) (int64, error) {
	if err := s.begin(ctx); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	var n int64
	for _, f := range s.files {
		n += int64(len(f.file.Data))
	}
	return n, nil
}

// PostFile returns a file kept with a post and its channel, or ENOTFOUND.
func (s *Store) PostFile(ctx context.Context, id string) (bot.File, bot.Address, error) {
	if err := s.begin(ctx); err != nil {
		return bot.File{}, bot.Address{}, err
	}
	defer s.mu.Unlock()
	f, ok := s.files[id]
	if !ok {
		return bot.File{}, bot.Address{}, bot.Errorf(bot.ENOTFOUND, "no file %q", id)
	}
	out := f.file
	out.Data = slices.Clone(out.Data)
	return out, f.channel, nil
}

// Posts returns up to limit posts of a channel and thread after an ID.
func (s *Store) Posts(ctx context.Context, channel bot.Address, thread string, after uint64, limit int) ([]*bot.Post, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	all := s.posts[channel.String()+"\x00"+thread]
	var out []*bot.Post
	for i := after; i < uint64(len(all)); i++ {
		out = append(out, dec[bot.Post](all[i]))
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// ---- snippets and secrets

// PutSnippet stores sn, replacing a snippet of the same name.
func (s *Store) PutSnippet(ctx context.Context, sn *threads.Snippet) error {
	if strings.TrimSpace(sn.Name) == "" || strings.ContainsAny(sn.Name, " \t\n") {
		return bot.Errorf(bot.EINVALID, "a snippet needs a one-word name")
	}
	if strings.TrimSpace(sn.Text) == "" {
		return bot.Errorf(bot.EINVALID, "snippet %s has no text", sn.Name)
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.snippets[listKey(sn.Name)] = enc(sn)
	return nil
}

// Snippet returns the snippet named name, or ENOTFOUND.
func (s *Store) Snippet(ctx context.Context, name string) (*threads.Snippet, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	b, ok := s.snippets[listKey(name)]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no snippet named %s: `snippets list` shows them", name)
	}
	return dec[threads.Snippet](b), nil
}

// Snippets returns every snippet in name order.
func (s *Store) Snippets(ctx context.Context) ([]*threads.Snippet, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.snippets))
	for k := range s.snippets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []*threads.Snippet
	for _, k := range keys {
		out = append(out, dec[threads.Snippet](s.snippets[k]))
	}
	return out, nil
}

// DeleteSnippet removes a snippet, or returns ENOTFOUND.
func (s *Store) DeleteSnippet(ctx context.Context, name string) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if _, ok := s.snippets[listKey(name)]; !ok {
		return bot.Errorf(bot.ENOTFOUND, "no snippet named %s", name)
	}
	delete(s.snippets, listKey(name))
	return nil
}

// Secret returns the secret named name, making size random bytes the
// first time.
func (s *Store) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	v, _, err := s.InitSecret(ctx, name, func() ([]byte, error) {
		b := make([]byte, size)
		_, err := rand.Read(b)
		return b, err
	})
	return v, err
}

// ReplaceSecret stores value as the secret named name, in place of any.
func (s *Store) ReplaceSecret(ctx context.Context, name string, value []byte) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.secrets[name] = slices.Clone(value)
	return nil
}

// InitSecret returns the secret named name, storing make()'s value the
// first time; created says whether it was made now.
func (s *Store) InitSecret(ctx context.Context, name string, make func() ([]byte, error)) ([]byte, bool, error) {
	if err := s.begin(ctx); err != nil {
		return nil, false, err
	}
	defer s.mu.Unlock()
	if v, ok := s.secrets[name]; ok {
		return slices.Clone(v), false, nil
	}
	v, err := make()
	if err != nil {
		return nil, false, err
	}
	s.secrets[name] = slices.Clone(v)
	return v, true, nil
}

// ---- outbox and intake

// Enqueue stores posts at the end of the outbox, setting their IDs,
// CreatedAt and, when zero, Due.
func (s *Store) Enqueue(ctx context.Context, posts []*bot.Outgoing) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	return s.enqueue(posts)
}

func (s *Store) enqueue(posts []*bot.Outgoing) error {
	for _, p := range posts {
		if !p.Platform.Valid() {
			return bot.Errorf(bot.EINVALID, "an outgoing post needs a platform, not %q", p.Platform)
		}
	}
	now := s.now()
	for _, p := range posts {
		p.ID, p.CreatedAt = s.next("outbox"), now
		if p.Due.IsZero() {
			p.Due = now
		}
		s.outbox[p.ID] = enc(p)
	}
	return nil
}

// Outbox returns up to limit waiting posts after the given ID, in ID
// order.
func (s *Store) Outbox(ctx context.Context, after uint64, limit int) ([]*bot.Outgoing, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	ids := make([]uint64, 0, len(s.outbox))
	for id := range s.outbox {
		if id > after {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []*bot.Outgoing
	for _, id := range ids {
		out = append(out, dec[bot.Outgoing](s.outbox[id]))
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// Settle removes the posts done and saves retry, in one transaction.
func (s *Store) Settle(ctx context.Context, done []uint64, retry []*bot.Outgoing) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	for _, p := range retry {
		if _, ok := s.outbox[p.ID]; !ok {
			return bot.Errorf(bot.ENOTFOUND, "outgoing post %d is not in the outbox", p.ID)
		}
	}
	for _, p := range retry {
		s.outbox[p.ID] = enc(p)
	}
	for _, id := range done {
		delete(s.outbox, id)
	}
	return nil
}

// OutboxDepth returns how many posts wait in the outbox, per platform.
func (s *Store) OutboxDepth(ctx context.Context) (map[bot.Platform]int, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := map[bot.Platform]int{}
	for _, raw := range s.outbox {
		out[dec[bot.Outgoing](raw).Platform]++
	}
	return out, nil
}

// IntakeTaken reports whether an intake took key within bot.KeyTTL.
func (s *Store) IntakeTaken(ctx context.Context, key string) (bool, error) {
	if err := s.begin(ctx); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	at, ok := s.intakeKeys[key]
	return ok && s.now().Sub(at) < bot.KeyTTL, nil
}

// Take writes an intake in one transaction, or nothing when its key was
// taken within bot.KeyTTL.
func (s *Store) Take(ctx context.Context, in *threads.Intake) (*bot.Conversation, bool, bool, error) {
	if in.Participant.IsZero() {
		return nil, false, false, bot.Errorf(bot.EINVALID, "an intake needs a participant address")
	}
	if in.Copy != nil && in.Copy.Channel.IsZero() {
		return nil, false, false, bot.Errorf(bot.EINVALID, "a post needs a channel")
	}
	if err := s.begin(ctx); err != nil {
		return nil, false, false, err
	}
	defer s.mu.Unlock()
	now := s.now()
	for k, at := range s.intakeKeys {
		if now.Sub(at) >= bot.KeyTTL {
			delete(s.intakeKeys, k)
		}
	}
	if _, ok := s.intakeKeys[in.Key]; in.Key != "" && ok {
		return nil, false, true, nil
	}
	// Work on copies, so that a failure leaves the store as it was.
	saved := s.snapshotConversations()
	c, created, err := s.conversationFor(in.Participant, in.Init)
	if err == nil && in.Update != nil {
		c, err = s.updateConversation(c.ID, in.Update)
	}
	var posts []*bot.Outgoing
	var events []*bot.Event
	undo := func() {}
	if err == nil && in.Copy != nil {
		// Kept before Then, as the store does, so that the relay carries
		// the ids of the copy's files.
		undo = s.appendPost(in.Copy)
	}
	if err == nil && in.Then != nil {
		posts, events = in.Then(c, created)
		for _, e := range events {
			if e.Type == "" {
				err = bot.Errorf(bot.EINVALID, "an event needs a type")
			}
		}
		if err == nil {
			for _, p := range posts {
				p.ConversationID = c.ID
			}
			err = s.enqueue(posts)
		}
	}
	if err != nil {
		s.restoreConversations(saved)
		undo()
		return nil, false, false, err
	}
	for _, e := range events {
		e.ConversationID = c.ID
		s.appendEvent(e, now)
	}
	if in.Plan != nil {
		s.planRunsLocked(in.Plan(c, events))
	}
	if in.Key != "" {
		s.intakeKeys[in.Key] = now
	}
	return c, created, false, nil
}

type convSnapshot struct {
	rows     map[bot.ConversationID][]byte
	byPart   map[bot.Address]bot.ConversationID
	byThread map[bot.ThreadRef]bot.ConversationID
	seq      uint64
}

func (s *Store) snapshotConversations() convSnapshot {
	return convSnapshot{rows: maps.Clone(s.conversations), byPart: maps.Clone(s.convByPart), byThread: maps.Clone(s.convByThread), seq: s.seq["conversations"]}
}

func (s *Store) restoreConversations(c convSnapshot) {
	s.conversations, s.convByPart, s.convByThread, s.seq["conversations"] = c.rows, c.byPart, c.byThread, c.seq
}

// ---- API tokens and event keys

// eventKey is an event API key: the event's Seq and when it was taken.
type eventKey struct {
	seq uint64
	at  time.Time
}

// CreateAPIToken stores t, setting its ID; ECONFLICT when a token not
// revoked has its name.
func (s *Store) CreateAPIToken(ctx context.Context, t *apitokens.Token) error {
	if t.Name == "" || t.Hash == "" {
		return bot.Errorf(bot.EINVALID, "an API token needs a name and a hash")
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	for _, o := range s.apiTokens {
		if o.Name == t.Name && !o.Revoked() {
			return bot.Errorf(bot.ECONFLICT, "a token named %s exists: revoke it first, or choose another name", t.Name)
		}
	}
	t.ID = s.next("api_tokens")
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.now()
	}
	c := *t
	s.apiTokens = append(s.apiTokens, &c)
	return nil
}

// APITokenByHash returns the token with that hash, or ENOTFOUND.
func (s *Store) APITokenByHash(ctx context.Context, hash string) (*apitokens.Token, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	for _, t := range s.apiTokens {
		if t.Hash == hash {
			c := *t
			return &c, nil
		}
	}
	return nil, bot.Errorf(bot.ENOTFOUND, "no such token")
}

// APITokens returns every token by ID.
func (s *Store) APITokens(ctx context.Context) ([]*apitokens.Token, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]*apitokens.Token, 0, len(s.apiTokens))
	for _, t := range s.apiTokens {
		c := *t
		out = append(out, &c)
	}
	return out, nil
}

// RevokeAPIToken revokes the token not revoked named name.
func (s *Store) RevokeAPIToken(ctx context.Context, name string, at time.Time) (*apitokens.Token, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	for _, t := range s.apiTokens {
		if t.Name == name && !t.Revoked() {
			t.RevokedAt = at.UTC()
			c := *t
			return &c, nil
		}
	}
	return nil, bot.Errorf(bot.ENOTFOUND, "no token named %s to revoke", name)
}

// RecordEvents appends events in one transaction, a key recorded within
// events.KeyTTL (in scope) appending nothing again.
func (s *Store) RecordEvents(ctx context.Context, scope string, evs []*bot.Event, keys []string) ([]bool, error) {
	if len(keys) != len(evs) {
		return nil, bot.Errorf(bot.EINVALID, "%d keys for %d events", len(keys), len(evs))
	}
	for _, e := range evs {
		if e.Type == "" {
			return nil, bot.Errorf(bot.EINVALID, "an event needs a type")
		}
	}
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	now := s.now()
	for k, v := range s.eventKeys {
		if now.Sub(v.at) >= events.KeyTTL {
			delete(s.eventKeys, k)
		}
	}
	dup := make([]bool, len(evs))
	for i, e := range evs {
		key := ""
		if keys[i] != "" {
			key = scope + "\x00" + keys[i]
			if v, ok := s.eventKeys[key]; ok {
				e.Seq, dup[i] = v.seq, true
				continue
			}
		}
		s.appendEvent(e, now)
		if key != "" {
			s.eventKeys[key] = eventKey{e.Seq, now}
		}
	}
	return dup, nil
}
