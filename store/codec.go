package store

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"
)

// encode and decode turn records into bytes. JSON keeps the file readable
// with standard tools and tolerant of added fields across versions.
func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, internal("encoding %T: %w", v, err)
	}
	return b, nil
}

func decode(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return internal("decoding %T: %w", v, err)
	}
	return nil
}

// put encodes v under key in bucket b.
func put(b *bolt.Bucket, key []byte, v any) error {
	raw, err := encode(v)
	if err != nil {
		return err
	}
	if err := b.Put(key, raw); err != nil {
		return internal("writing %T: %w", v, err)
	}
	return nil
}

// get decodes the value under key into v and reports whether it was there.
func get(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	return true, decode(raw, v)
}

// pageAfter decodes up to limit records of b whose sequence keys come
// after after, in key order; a limit of 0 or less means all of them.
func pageAfter[T any](b *bolt.Bucket, after uint64, limit int) ([]*T, error) {
	var out []*T
	cur := b.Cursor()
	for k, v := cur.Seek(itob(after + 1)); k != nil; k, v = cur.Next() {
		r := new(T)
		if err := decode(v, r); err != nil {
			return nil, err
		}
		out = append(out, r)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}
