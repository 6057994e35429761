package store

import (
	"context"
	"encoding/binary"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/lists"
)

// A list is a record in "lists" (keyed by its lower-cased name) that points
// at a data bucket under "list_recipients" (keyed by a number), holding the
// rows by ID. Replacing a list's contents is moving that pointer, so an
// import fills a staging list and swaps it in with one small transaction.

// listRecord is a list as stored: the list and its data bucket.
type listRecord struct {
	bot.List
	Data uint64 `json:"data"`
}

func listKey(name string) []byte { return []byte(strings.ToLower(strings.TrimSpace(name))) }

// CreateList stores l with Size 0, or returns ECONFLICT.
func (db *DB) CreateList(ctx context.Context, l *bot.List) error {
	if strings.TrimSpace(l.Name) == "" {
		return bot.Errorf(bot.EINVALID, "a list needs a name")
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		lists := tx.Bucket(bucketLists)
		key := listKey(l.Name)
		if lists.Get(key) != nil {
			return bot.Errorf(bot.ECONFLICT, "a list named %s already exists", l.Name)
		}
		now := db.now()
		l.Size, l.CreatedAt, l.UpdatedAt, l.Filled = 0, now, now, map[string]int{}
		if l.UpdatedBy == (bot.Actor{}) {
			l.UpdatedBy = l.CreatedBy
		}
		data := tx.Bucket(bucketListRecipients)
		id, err := data.NextSequence()
		if err != nil {
			return internal("list sequence: %w", err)
		}
		if _, err := data.CreateBucket(itob(id)); err != nil {
			return internal("creating list bucket: %w", err)
		}
		return put(lists, key, &listRecord{List: *l, Data: id})
	})
}

// List returns the list named name, or ENOTFOUND.
func (db *DB) List(ctx context.Context, name string) (*bot.List, error) {
	var l *bot.List
	err := db.view(ctx, func(tx *bolt.Tx) error {
		rec, err := listByName(tx, name)
		if err == nil {
			l = &rec.List
		}
		return err
	})
	return l, err
}

// Lists returns every list in name order.
func (db *DB) Lists(ctx context.Context) ([]*bot.List, error) {
	var out []*bot.List
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLists).ForEach(func(_, v []byte) error {
			var rec listRecord
			if err := decode(v, &rec); err != nil {
				return err
			}
			out = append(out, &rec.List)
			return nil
		})
	})
	return out, err
}

// DeleteList removes the list and every recipient in it.
func (db *DB) DeleteList(ctx context.Context, name string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		rec, err := listByName(tx, name)
		if err != nil {
			return err
		}
		if err := deleteListData(tx, rec.Data); err != nil {
			return err
		}
		return tx.Bucket(bucketLists).Delete(listKey(name))
	})
}

// PutRecipients replaces or appends rs in one transaction.
func (db *DB) PutRecipients(ctx context.Context, name string, rs []bot.Recipient, by bot.Actor) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		rec, err := listByName(tx, name)
		if err != nil {
			return err
		}
		rows := tx.Bucket(bucketListRecipients).Bucket(itob(rec.Data))
		rows.FillPercent = 0.95 // rows are appended in ID order
		cols := columnIndex(rec.Columns)
		// bbolt keeps the value slices until commit, so rows are encoded
		// one after another into an arena that is never overwritten.
		var arena []byte
		for i := range rs {
			r := &rs[i]
			if strings.TrimSpace(r.Key) == "" {
				return bot.Errorf(bot.EINVALID, "recipient %d of the batch has an empty key", i+1)
			}
			if r.ID == 0 {
				if r.ID, err = rows.NextSequence(); err != nil {
					return internal("recipient sequence: %w", err)
				}
				rec.Size++
			} else if v := rows.Get(itob(r.ID)); v == nil {
				return bot.Errorf(bot.ENOTFOUND, "list %s has no recipient %d", name, r.ID)
			} else if rec.Filled != nil {
				old, err := decodeRecipient(v, rec.Columns)
				if err != nil {
					return err
				}
				lists.CountFilled(&rec.List, &old, -1)
			}
			lists.CountFilled(&rec.List, r, +1)
			start := len(arena)
			arena = encodeRecipient(arena, r, cols, &rec.Columns)
			if err := rows.Put(itob(r.ID), arena[start:len(arena):len(arena)]); err != nil {
				return internal("writing recipient: %w", err)
			}
		}
		rec.UpdatedAt, rec.UpdatedBy = db.now(), by
		return put(tx.Bucket(bucketLists), listKey(name), rec)
	})
}

// Recipients returns up to limit recipients after the given ID.
func (db *DB) Recipients(ctx context.Context, name string, after uint64, limit int) ([]bot.Recipient, error) {
	var out []bot.Recipient
	err := db.view(ctx, func(tx *bolt.Tx) error {
		rec, err := listByName(tx, name)
		if err != nil {
			return err
		}
		cur := tx.Bucket(bucketListRecipients).Bucket(itob(rec.Data)).Cursor()
		for k, v := cur.Seek(itob(after + 1)); k != nil; k, v = cur.Next() {
			r, err := decodeRecipient(v, rec.Columns)
			if err != nil {
				return err
			}
			r.ID = btoi(k)
			out = append(out, r)
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// ReplaceRecipients moves from's recipients into name in one transaction.
func (db *DB) ReplaceRecipients(ctx context.Context, name, from string, by bot.Actor) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		src, err := listByName(tx, from)
		if err != nil {
			return err
		}
		lists := tx.Bucket(bucketLists)
		if err := lists.Delete(listKey(from)); err != nil {
			return internal("deleting staging list: %w", err)
		}
		dst, err := listByName(tx, name)
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			src.Name, src.CreatedBy, src.UpdatedBy, src.UpdatedAt = strings.TrimSpace(name), by, by, db.now()
			return put(lists, listKey(name), src)
		}
		if err != nil {
			return err
		}
		if dst.KeyColumn != src.KeyColumn {
			return bot.Errorf(bot.EINVALID, "list %s is keyed by %s, the new rows by %s", dst.Name, dst.KeyColumn, src.KeyColumn)
		}
		if err := deleteListData(tx, dst.Data); err != nil {
			return err
		}
		dst.Data, dst.Size, dst.Columns, dst.Filled = src.Data, src.Size, src.Columns, src.Filled
		dst.UpdatedAt, dst.UpdatedBy = db.now(), by
		return put(lists, listKey(name), dst)
	})
}

func listByName(tx *bolt.Tx, name string) (*listRecord, error) {
	var rec listRecord
	ok, err := get(tx.Bucket(bucketLists), listKey(name), &rec)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no list named %s", name).Translated("err.list.not_found", name)
	}
	return &rec, nil
}

func deleteListData(tx *bolt.Tx, data uint64) error {
	if err := tx.Bucket(bucketListRecipients).DeleteBucket(itob(data)); err != nil {
		return internal("deleting list recipients: %w", err)
	}
	return nil
}

func columnIndex(cols []string) map[string]int {
	m := make(map[string]int, len(cols))
	for i, c := range cols {
		m[c] = i
	}
	return m
}

// encodeRecipient appends r to buf in the compact row form: the key, then
// (column index, value) pairs for non-empty attributes, every number a
// uvarint and every string length-prefixed. A new attribute name is added
// to cols and index.
func encodeRecipient(buf []byte, r *bot.Recipient, index map[string]int, cols *[]string) []byte {
	buf = appendString(buf, r.Key)
	n := 0
	for _, v := range r.Attributes {
		if v != "" {
			n++
		}
	}
	buf = binary.AppendUvarint(buf, uint64(n))
	for name, v := range r.Attributes {
		if v == "" {
			continue
		}
		i, ok := index[name]
		if !ok {
			i = len(*cols)
			*cols = append(*cols, name)
			index[name] = i
		}
		buf = binary.AppendUvarint(buf, uint64(i))
		buf = appendString(buf, v)
	}
	return buf
}

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

func decodeRecipient(b []byte, cols []string) (bot.Recipient, error) {
	var r bot.Recipient
	bad := func() (bot.Recipient, error) { return bot.Recipient{}, internal("a recipient row is damaged") }
	key, b, ok := readString(b)
	if !ok {
		return bad()
	}
	r.Key = key
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)) {
		return bad()
	}
	b = b[w:]
	if n > 0 {
		r.Attributes = make(map[string]string, n)
	}
	for range n {
		i, w := binary.Uvarint(b)
		if w <= 0 || i >= uint64(len(cols)) {
			return bad()
		}
		var v string
		if v, b, ok = readString(b[w:]); !ok {
			return bad()
		}
		r.Attributes[cols[i]] = v
	}
	return r, nil
}

func readString(b []byte) (string, []byte, bool) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return "", nil, false
	}
	return string(b[w : w+int(n)]), b[w+int(n):], true
}
