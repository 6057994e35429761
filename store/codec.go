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
