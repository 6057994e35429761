package lists

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/audience"
	"github.com/heraldchat/herald/bot/events"
	"github.com/heraldchat/herald/bot/personalize"
)

// Mode says what an import does with a list that exists.
type Mode string

// The import modes.
const (
	// Merge updates the recipients whose key is in the file and
	// appends the others; recipients not in the file stay.
	Merge Mode = "merge"
	// Replace makes the list exactly the file's valid rows, in one
	// step at the end: until then the old contents stay in use.
	Replace Mode = "replace"
)

// LineError is one invalid row of a file.
type LineError struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	// Key and Args are Reason as a catalogue key and its arguments.
	Key  string `json:"-"`
	Args []any  `json:"-"`
}

// Result says what an import did.
type Result struct {
	List    *bot.List   `json:"list"`
	Rows    int         `json:"rows"` // records read, blank ones excluded
	Added   int         `json:"added"`
	Updated int         `json:"updated"`
	Invalid int         `json:"invalid"`
	Errors  []LineError `json:"errors"` // the first maxErrors invalid rows
	// EventsError says why the contacts of the list's rows could not all
	// take the event the list names ("" when they did, or it names none).
	EventsError string `json:"events_error,omitempty"`
}

// maxErrors bounds the invalid rows an Result lists; Invalid
// counts them all.
const maxErrors = 1000

// defaultBatch is how many rows an import writes per transaction.
const defaultBatch = 10000

// Service imports, shows, exports and deletes lists. It is safe for
// concurrent use; two imports into the same list at once are not ordered.
type Service struct {
	Store bot.ListStore
	// Batch is the number of rows per group commit; 0 means
	// defaultBatch.
	Batch int
	// Contacts, when set, receive the event columns of an imported list
	// (event, event_start, event_end): each row's contact, when herald
	// knows them, takes their event, as the event API gives it.
	Contacts Directory
}

// Directory is the contact directory as imports use it (the store).
type Directory interface {
	ContactByEmail(ctx context.Context, email string) (*bot.Contact, error)
	ContactByAddress(ctx context.Context, a bot.Address) (*bot.Contact, error)
	UpdateContact(ctx context.Context, id bot.ContactID, fn func(*bot.Contact) error) (*bot.Contact, error)
	// AssignAttributes merges attributes into the contacts holding the
	// given addresses, in one transaction.
	AssignAttributes(ctx context.Context, attrs map[bot.Address]map[string]string) (int, error)
}

func (s *Service) batch() int {
	if s.Batch > 0 {
		return s.Batch
	}
	return defaultBatch
}

// Import streams the valid rows of r into the list name, creating it when
// it does not exist, in group commits of Batch rows: memory stays bounded
// by the batch (plus, for a merge, the keys already in the list). Invalid
// rows are counted and listed, never stored. With Replace (or a new
// list) the rows fill a hidden staging list that replaces the contents in
// one transaction at the end, so a failed import leaves the list as it was.
// A merge that fails midway keeps the batches already committed; the error
// says up to which line.
func (s *Service) Import(ctx context.Context, name string, r RecipientReader, mode Mode, by bot.Actor) (*Result, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	if mode != Merge && mode != Replace {
		return nil, bot.Errorf(bot.EINVALID, "unknown import mode %q: use merge or replace", mode).Translated("err.list.mode", mode)
	}
	if c, ok := r.(io.Closer); ok {
		defer c.Close()
	}
	existing, err := s.Store.List(ctx, name)
	switch {
	case bot.ErrorCode(err) == bot.ENOTFOUND:
		existing, mode = nil, Replace
	case err != nil:
		return nil, err
	case existing.KeyColumn != r.KeyColumn():
		return nil, bot.Errorf(bot.EINVALID, "list %s is keyed by %s but the file by %s: import it into another list", existing.Name, existing.KeyColumn, r.KeyColumn()).Translated("err.list.key_mismatch", existing.Name, existing.KeyColumn, r.KeyColumn())
	}

	target := name
	var known map[string]uint64
	if mode == Replace {
		target = fmt.Sprintf("%simport-%s-%d", StagingPrefix, strings.ToLower(name), actorHash(by))
		_ = s.Store.DeleteList(ctx, target) // a leftover of a crashed import
		if err := s.Store.CreateList(ctx, &bot.List{Name: target, KeyColumn: r.KeyColumn(), Columns: r.Columns(), CreatedBy: by}); err != nil {
			return nil, err
		}
	} else if known, err = s.keys(ctx, existing); err != nil {
		return nil, err
	}

	res := &Result{Errors: []LineError{}}
	batch := make([]bot.Recipient, 0, s.batch())
	lastLine := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := s.Store.PutRecipients(ctx, target, batch, by); err != nil {
			return err
		}
		if known != nil {
			for _, rc := range batch {
				known[audience.NormalizeKey(r.KeyColumn(), rc.Key)] = rc.ID
			}
		}
		batch = batch[:0]
		return nil
	}
	fail := func(err error) (*Result, error) {
		if mode == Replace {
			_ = s.Store.DeleteList(context.WithoutCancel(ctx), target)
			return nil, err
		}
		return nil, bot.Errorf(bot.ErrorCode(err), "import into %s stopped near line %d (%d rows merged before): %s", name, lastLine, res.Added+res.Updated-len(batch), bot.ErrorMessage(err))
	}
	for {
		row, err := r.ReadRecipient()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		res.Rows++
		lastLine = row.Line
		if row.Invalid != "" {
			res.Invalid++
			if len(res.Errors) < maxErrors {
				res.Errors = append(res.Errors, LineError{Line: row.Line, Reason: row.Invalid, Key: row.ReasonKey, Args: row.ReasonArgs})
			}
			continue
		}
		rc := row.Recipient
		rc.ID = 0
		if id, ok := known[audience.NormalizeKey(r.KeyColumn(), rc.Key)]; ok {
			rc.ID = id
			res.Updated++
		} else {
			res.Added++
		}
		batch = append(batch, rc)
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return fail(err)
			}
		}
	}
	if err := flush(); err != nil {
		return fail(err)
	}
	if mode == Replace && res.Added == 0 {
		// Creating an empty list, or emptying one, from a file of broken
		// rows helps nobody: nothing changes, and the reason is told.
		_ = s.Store.DeleteList(context.WithoutCancel(ctx), target)
		return nil, noValidRow(name, existing != nil, res)
	}
	if mode == Replace {
		if err := s.Store.ReplaceRecipients(ctx, name, target, by); err != nil {
			return fail(err)
		}
	}
	l, err := s.Store.List(ctx, name)
	if err != nil {
		return nil, err
	}
	res.List = l
	if err := s.assignEvents(ctx, l); err != nil {
		// The list is imported; only the contacts' events are not all
		// given: said, not hidden.
		res.EventsError = bot.ErrorMessage(err)
	}
	return res, nil
}

// eventColumns are the columns that describe a contact's own event.
var eventColumns = []string{events.Attr, events.AttrStart, events.AttrEnd}

// assignEvents gives each known contact of list l the event its row
// names (when l has event columns): the list's word, as the event API's.
// Contacts herald does not know are left for their first visit.
func (s *Service) assignEvents(ctx context.Context, l *bot.List) error {
	if s.Contacts == nil || !slices.ContainsFunc(l.Columns, func(c string) bool { return slices.Contains(eventColumns, c) }) {
		return nil
	}
	for after := uint64(0); ; {
		rs, err := s.Store.Recipients(ctx, l.Name, after, 1000)
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			return nil
		}
		// A page of rows, one transaction for their contacts; a row that
		// leaves out a start or an end the contact has from another event
		// clears it, in a transaction of its own (rare).
		page := map[bot.Address]map[string]string{}
		for _, r := range rs {
			if r.Attributes[events.Attr] == "" {
				continue // no event named on this row
			}
			ct, err := s.contactOf(ctx, l.KeyColumn, r.Key)
			if bot.ErrorCode(err) == bot.ENOTFOUND || err == nil && len(ct.Addresses) == 0 {
				continue
			}
			if err != nil {
				return err
			}
			set := map[string]string{}
			clearOld := false
			for _, c := range eventColumns {
				set[c] = r.Attributes[c]
				clearOld = clearOld || set[c] == "" && ct.Attributes[c] != ""
			}
			if clearOld {
				if _, err := s.Contacts.UpdateContact(ctx, ct.ID, func(c *bot.Contact) error {
					if c.Attributes == nil {
						c.Attributes = map[string]string{}
					}
					for k, v := range set {
						if v == "" {
							delete(c.Attributes, k)
						} else {
							c.Attributes[k] = v
						}
					}
					return nil
				}); err != nil {
					return err
				}
				continue
			}
			page[ct.Addresses[0].Address] = set
		}
		if _, err := s.Contacts.AssignAttributes(ctx, page); err != nil {
			return err
		}
		after = rs[len(rs)-1].ID
	}
}

// keyPlatforms are the key columns that are a platform's ids.
var keyPlatforms = map[string]bot.Platform{
	"slack_id": bot.PlatformSlack, "discord_id": bot.PlatformDiscord, "telegram_id": bot.PlatformTelegram, "teams_id": bot.PlatformTeams,
}

// contactOf finds the contact a list row's key names.
func (s *Service) contactOf(ctx context.Context, keyColumn, key string) (*bot.Contact, error) {
	switch {
	case keyColumn == "email":
		return s.Contacts.ContactByEmail(ctx, key)
	case keyColumn == "respondentID":
		return s.Contacts.ContactByAddress(ctx, bot.Address{Platform: bot.PlatformWeb, ID: key})
	case keyPlatforms[keyColumn] != "":
		return s.Contacts.ContactByAddress(ctx, bot.Address{Platform: keyPlatforms[keyColumn], ID: key})
	}
	return nil, bot.Errorf(bot.ENOTFOUND, "no contact for a %s key", keyColumn)
}

// keys loads the normalised keys of list l with their IDs, for a merge.
// noValidRow is the refusal of a file with no valid row: why, with the
// first lines' reasons.
func noValidRow(name string, exists bool, res *Result) error {
	kept := "no list was created"
	if exists {
		kept = "list " + name + " is unchanged"
	}
	if res.Rows == 0 {
		return bot.Errorf(bot.EINVALID, "the file has a header but no rows: %s", kept)
	}
	var why []string
	for i, e := range res.Errors {
		if i == 3 {
			why = append(why, fmt.Sprintf("and %d more", res.Invalid-3))
			break
		}
		why = append(why, fmt.Sprintf("line %d: %s", e.Line, e.Reason))
	}
	return bot.Errorf(bot.EINVALID, "none of the file's %d rows is valid, so %s. %s", res.Rows, kept, strings.Join(why, "; "))
}

func (s *Service) keys(ctx context.Context, l *bot.List) (map[string]uint64, error) {
	known := make(map[string]uint64, l.Size)
	for after := uint64(0); ; {
		page, err := s.Store.Recipients(ctx, l.Name, after, s.batch())
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			return known, nil
		}
		for _, rc := range page {
			known[audience.NormalizeKey(l.KeyColumn, rc.Key)] = rc.ID
		}
		after = page[len(page)-1].ID
	}
}

// Lists returns the lists people see (no staging lists), in name order.
func (s *Service) Lists(ctx context.Context) ([]*bot.List, error) {
	all, err := s.Store.Lists(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(l *bot.List) bool { return strings.HasPrefix(l.Name, StagingPrefix) }), nil
}

// Show returns the list and its first sample recipients.
func (s *Service) Show(ctx context.Context, name string, sample int) (*bot.List, []bot.Recipient, error) {
	l, err := s.Store.List(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if sample <= 0 {
		return l, nil, nil
	}
	rs, err := s.Store.Recipients(ctx, name, 0, sample)
	return l, rs, err
}

// Export writes the list to w: a header of the key column then the
// attribute columns, one row per recipient in list order. It streams page
// by page.
func (s *Service) Export(ctx context.Context, name string, w bot.RowWriter) error {
	l, err := s.Store.List(ctx, name)
	if err != nil {
		return err
	}
	row := append([]string{l.KeyColumn}, l.Columns...)
	if err := w.WriteRow(row); err != nil {
		return err
	}
	for after := uint64(0); ; {
		page, err := s.Store.Recipients(ctx, name, after, s.batch())
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for _, rc := range page {
			row = append(row[:0], rc.Key)
			for _, c := range l.Columns {
				row = append(row, rc.Attributes[c])
			}
			if err := w.WriteRow(row); err != nil {
				return err
			}
		}
		after = page[len(page)-1].ID
	}
}

// Delete removes the list.
func (s *Service) Delete(ctx context.Context, name string) error {
	return s.Store.DeleteList(ctx, name)
}

// CleanStaging deletes the staging lists that imports interrupted by a
// crash left behind, and returns how many there were.
func (s *Service) CleanStaging(ctx context.Context) (int, error) {
	all, err := s.Store.Lists(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, l := range all {
		if strings.HasPrefix(l.Name, StagingPrefix) {
			if err := s.Store.DeleteList(ctx, l.Name); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// actorHash gives each actor its own staging list name, so that two people
// replacing the same list at once do not share one.
func actorHash(a bot.Actor) uint32 {
	var h uint32 = 2166136261
	for _, c := range []byte(a.Address.String()) {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

// Preview personalises m with the first recipient of list name, as the
// list's first message would read; with name "" it personalises with no
// recipient, so that the variables a list would fill show as errors. at
// is the time {{date}} and {{time}} use. The error names a variable the
// recipient lacks, or a list that does not exist.
func (s *Service) Preview(ctx context.Context, name string, m bot.Message, at time.Time) (bot.Message, error) {
	vars := personalize.NewVars("", "", nil, nil, at)
	if name != "" {
		l, rs, err := s.Show(ctx, name, 1)
		if err != nil {
			return bot.Message{}, err
		}
		if len(rs) == 0 {
			return bot.Message{}, bot.Errorf(bot.EINVALID, "list %s is empty", name).Translated("err.list.empty", name)
		}
		vars = personalize.NewVars(l.KeyColumn, rs[0].Key, rs[0].Attributes, nil, at)
	}
	return personalize.Message(m, vars)
}
