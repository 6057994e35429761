package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
)

// Sendings live in a bucket per campaign under "sendings", keyed by their
// sequence within the campaign. Each value is one byte of state followed by
// the sending (see sendingcodec.go), so that a transition adjusts the campaign's counters
// (kept under key 0 of the same bucket, in the same transaction) without
// decoding the old record: the counters always equal what the records say.

var stateCodes = map[bot.SendingState]byte{
	bot.SendingPending: 1, bot.SendingScheduled: 2, bot.SendingInFlight: 3,
	bot.SendingSent: 4, bot.SendingFailed: 5, bot.SendingSkipped: 6,
}

var codeStates = func() map[byte]bot.SendingState {
	m := make(map[byte]bot.SendingState, len(stateCodes))
	for s, c := range stateCodes {
		m[c] = s
	}
	return m
}()

var countsKey = itob(0)

// counts adds delta (+1 or -1) to the counter of state s.
func addCount(c *bot.SendingCounts, s bot.SendingState, delta int) {
	if delta > 0 {
		c.Add(s)
		return
	}
	c.Total--
	switch s {
	case bot.SendingPending:
		c.Pending--
	case bot.SendingScheduled:
		c.Scheduled--
	case bot.SendingInFlight:
		c.InFlight--
	case bot.SendingSent:
		c.Sent--
	case bot.SendingFailed:
		c.Failed--
	case bot.SendingSkipped:
		c.Skipped--
	}
}

// encodeSending appends the stored form of s to b. bbolt keeps value
// slices until commit, so callers give each record bytes of its own.
func encodeSending(b []byte, s *bot.Sending) ([]byte, error) {
	code, ok := stateCodes[s.State]
	if !ok {
		return nil, bot.Errorf(bot.EINVALID, "sending %d has no valid state (%q)", s.ID, s.State)
	}
	return encodeSendingBinary(append(b, code), s), nil
}

func decodeSending(v []byte) (*bot.Sending, error) {
	if len(v) < 2 {
		return nil, internal("a sending record is damaged")
	}
	state, ok := codeStates[v[0]]
	if !ok {
		return nil, internal("a sending record has an unknown state")
	}
	return decodeSendingBinary(v[1:], state)
}

func readCounts(b *bolt.Bucket) (bot.SendingCounts, error) {
	var c bot.SendingCounts
	_, err := get(b, countsKey, &c)
	return c, err
}

// CreateSendings stores ss for campaign cid in one transaction.
func (db *DB) CreateSendings(ctx context.Context, cid bot.CampaignID, ss []*bot.Sending) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		c, err := campaignByID(tx, cid)
		if err != nil {
			return err
		}
		if c.State == bot.CampaignCancelled || c.State == bot.CampaignDone {
			return bot.Errorf(bot.ECONFLICT, "campaign %d is %s: it takes no more recipients", cid, c.State)
		}
		return createSendings(tx, cid, ss)
	})
}

// createSendings stores ss for campaign cid, setting their IDs, indexing
// the open ones by due time and counting them.
func createSendings(tx *bolt.Tx, cid bot.CampaignID, ss []*bot.Sending) error {
	b, err := tx.Bucket(bucketSendings).CreateBucketIfNotExists(itob(uint64(cid)))
	if err != nil {
		return internal("creating sendings bucket: %w", err)
	}
	idx, err := dueIndex(tx, cid)
	if err != nil {
		return err
	}
	b.FillPercent = 0.9 // appended in ID order
	counts, err := readCounts(b)
	if err != nil {
		return err
	}
	arena := make([]byte, 0, 256*len(ss)) // never overwritten: bbolt holds the slices until commit
	for _, s := range ss {
		id, err := b.NextSequence()
		if err != nil {
			return internal("sending sequence: %w", err)
		}
		s.ID, s.CampaignID = bot.SendingID(id), cid
		if s.State == "" {
			s.State = bot.SendingPending
		}
		start := len(arena)
		if arena, err = encodeSending(arena, s); err != nil {
			return err
		}
		if err := b.Put(itob(id), arena[start:len(arena):len(arena)]); err != nil {
			return internal("writing sending: %w", err)
		}
		if s.Open() {
			if err := idx.Put(dueKey(s.Due(), s.ID), nil); err != nil {
				return internal("indexing sending: %w", err)
			}
		}
		counts.Add(s.State)
	}
	return put(b, countsKey, &counts)
}

// Sending returns one sending, or ENOTFOUND.
func (db *DB) Sending(ctx context.Context, cid bot.CampaignID, id bot.SendingID) (*bot.Sending, error) {
	var s *bot.Sending
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSendings).Bucket(itob(uint64(cid)))
		var v []byte
		if b != nil && id != 0 {
			v = b.Get(itob(uint64(id)))
		}
		if v == nil {
			return bot.Errorf(bot.ENOTFOUND, "sending %d of campaign %d not found", id, cid)
		}
		var err error
		s, err = decodeSending(v)
		return err
	})
	return s, err
}

// Sendings returns up to limit sendings of campaign cid after the given ID.
func (db *DB) Sendings(ctx context.Context, cid bot.CampaignID, after bot.SendingID, limit int) ([]*bot.Sending, error) {
	var out []*bot.Sending
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSendings).Bucket(itob(uint64(cid)))
		if b == nil {
			return nil
		}
		cur := b.Cursor()
		for k, v := cur.Seek(itob(uint64(after) + 1)); k != nil; k, v = cur.Next() {
			s, err := decodeSending(v)
			if err != nil {
				return err
			}
			out = append(out, s)
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// UpdateSendings saves every sending of ss in one transaction, adjusting
// the counters, or saves none if one of them does not exist.
func (db *DB) UpdateSendings(ctx context.Context, ss []*bot.Sending) error {
	return db.ApplySendings(ctx, nil, ss, nil)
}

// ApplySendings changes the states named by marks (rewriting only the
// state byte), then saves ss, adjusting the counters, then appends events,
// in one transaction.
func (db *DB) ApplySendings(ctx context.Context, marks []bot.SendingMark, ss []*bot.Sending, events []*bot.Event) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		w := sendingWriter{root: tx.Bucket(bucketSendings), counts: map[bot.CampaignID]*bot.SendingCounts{}, buckets: map[bot.CampaignID]*bolt.Bucket{}, cursors: map[*bolt.Bucket]*bolt.Cursor{}, due: map[bot.CampaignID]*bolt.Bucket{}}
		w.arena = make([]byte, 0, 256*len(ss)+64*len(marks))
		for _, m := range marks {
			code, ok := stateCodes[m.State]
			if !ok {
				return bot.Errorf(bot.EINVALID, "sending %d has no valid state (%q)", m.ID, m.State)
			}
			b, old, err := w.old(m.CampaignID, m.ID)
			if err != nil {
				return err
			}
			start := len(w.arena)
			w.arena = append(append(w.arena, code), old[1:]...)
			v := w.arena[start:len(w.arena):len(w.arena)]
			if !openCode(old[0]) { // a mark keeps the due time: only reopening needs an entry
				if err := w.reindex(tx, m.CampaignID, m.ID, old, v, func() (time.Time, error) { return storedDue(v) }); err != nil {
					return err
				}
			}
			if err := w.put(b, m.CampaignID, m.ID, old, v); err != nil {
				return err
			}
		}
		for _, s := range ss {
			b, old, err := w.old(s.CampaignID, s.ID)
			if err != nil {
				return err
			}
			start := len(w.arena)
			if w.arena, err = encodeSending(w.arena, s); err != nil {
				return err
			}
			v := w.arena[start:len(w.arena):len(w.arena)]
			if err := w.reindex(tx, s.CampaignID, s.ID, old, v, func() (time.Time, error) { return s.Due(), nil }); err != nil {
				return err
			}
			if err := w.put(b, s.CampaignID, s.ID, old, v); err != nil {
				return err
			}
			if db.attribute && s.State == bot.SendingSent && !s.Address.IsZero() {
				if err := attribute(tx, s, db.now()); err != nil {
					return err
				}
			}
		}
		for cid, c := range w.counts {
			if err := put(w.buckets[cid], countsKey, c); err != nil {
				return err
			}
		}
		for _, e := range events {
			if err := db.appendEvent(tx, e); err != nil {
				return err
			}
		}
		var at [8]byte
		binary.BigEndian.PutUint64(at[:], uint64(db.now().UnixNano()))
		if err := tx.Bucket(bucketMeta).Put(keySendingsWritten, at[:]); err != nil {
			return internal("recording the time of the write: %w", err)
		}
		return nil
	})
}

// keySendingsWritten holds, in the meta bucket, when ApplySendings last
// wrote (Unix nanoseconds).
var keySendingsWritten = []byte("sendings_written_at")

// SendingsWrittenAt returns when ApplySendings last wrote (zero if never):
// after a crash, about when the engine stopped.
func (db *DB) SendingsWrittenAt(ctx context.Context) (time.Time, error) {
	var at time.Time
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySendingsWritten); len(v) == 8 {
			at = time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC()
		}
		return nil
	})
	return at, err
}

// sendingWriter rewrites sendings in one transaction, keeping the touched
// campaigns' counters.
type sendingWriter struct {
	root    *bolt.Bucket
	counts  map[bot.CampaignID]*bot.SendingCounts
	buckets map[bot.CampaignID]*bolt.Bucket
	cursors map[*bolt.Bucket]*bolt.Cursor   // one per bucket: a Seek reuses its path, a Get makes a new one
	due     map[bot.CampaignID]*bolt.Bucket // the campaigns' due indexes
	arena   []byte                          // never overwritten: bbolt holds the slices until commit
	key     [8]byte                         // bbolt copies a key it stores
}

// old returns the campaign's bucket and the stored sending, or ENOTFOUND.
func (w *sendingWriter) old(cid bot.CampaignID, id bot.SendingID) (*bolt.Bucket, []byte, error) {
	b, ok := w.buckets[cid]
	if !ok {
		if b = w.root.Bucket(itob(uint64(cid))); b != nil {
			c, err := readCounts(b)
			if err != nil {
				return nil, nil, err
			}
			w.buckets[cid], w.counts[cid] = b, &c
		}
	}
	var old []byte
	if b != nil && id != 0 {
		cur := w.cursors[b]
		if cur == nil {
			cur = b.Cursor()
			w.cursors[b] = cur
		}
		binary.BigEndian.PutUint64(w.key[:], uint64(id))
		if k, v := cur.Seek(w.key[:]); bytes.Equal(k, w.key[:]) {
			old = v
		}
	}
	if old == nil {
		return nil, nil, bot.Errorf(bot.ENOTFOUND, "sending %d of campaign %d not found", id, cid)
	}
	return b, old, nil
}

// reindex keeps campaign cid's due index in line with a rewrite of
// sending id from old to v.
func (w *sendingWriter) reindex(tx *bolt.Tx, cid bot.CampaignID, id bot.SendingID, old, v []byte, newDue func() (time.Time, error)) error {
	if !openCode(v[0]) {
		return nil // final: see reindex
	}
	idx, ok := w.due[cid]
	if !ok {
		var err error
		if idx, err = dueIndex(tx, cid); err != nil {
			return err
		}
		w.due[cid] = idx
	}
	return reindex(idx, id, old, v, newDue)
}

func (w *sendingWriter) put(b *bolt.Bucket, cid bot.CampaignID, id bot.SendingID, old, v []byte) error {
	if old[0] != v[0] {
		c := w.counts[cid]
		addCount(c, codeStates[old[0]], -1)
		addCount(c, codeStates[v[0]], +1)
	}
	binary.BigEndian.PutUint64(w.key[:], uint64(id))
	if err := b.Put(w.key[:], v); err != nil {
		return internal("writing sending: %w", err)
	}
	return nil
}

// SendingCounts returns the counters of campaign cid.
func (db *DB) SendingCounts(ctx context.Context, cid bot.CampaignID) (bot.SendingCounts, error) {
	var c bot.SendingCounts
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSendings).Bucket(itob(uint64(cid)))
		if b == nil {
			return nil
		}
		var err error
		c, err = readCounts(b)
		return err
	})
	return c, err
}

// bucketSentTo holds, by address, the campaign that last reached it and
// when (8 + 8 bytes), kept with Options.AttributeSends.
var bucketSentTo = []byte("sent_to")

// attribute records that s's campaign reached s.Address at at.
func attribute(tx *bolt.Tx, s *bot.Sending, at time.Time) error {
	b, err := tx.CreateBucketIfNotExists(bucketSentTo)
	if err != nil {
		return internal("attribution bucket: %w", err)
	}
	v := make([]byte, 16)
	binary.BigEndian.PutUint64(v, uint64(s.CampaignID))
	binary.BigEndian.PutUint64(v[8:], uint64(at.UnixNano()))
	if err := b.Put([]byte(s.Address.String()), v); err != nil {
		return internal("recording which campaign reached %s: %w", s.Address, err)
	}
	return nil
}

// LastCampaignFor returns the campaign whose message last reached addr,
// if one did after since (recorded with Options.AttributeSends); zero
// otherwise.
func (db *DB) LastCampaignFor(ctx context.Context, addr bot.Address, since time.Time) (bot.CampaignID, error) {
	var id bot.CampaignID
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSentTo)
		if b == nil {
			return nil
		}
		if v := b.Get([]byte(addr.String())); len(v) == 16 && int64(binary.BigEndian.Uint64(v[8:])) >= since.UnixNano() {
			id = bot.CampaignID(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	return id, err
}
