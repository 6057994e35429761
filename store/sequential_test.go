package store

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestSequentialReaderIsGet: whatever order the keys are asked in
// (ascending with gaps, repeated, backwards, past the end, absent, of
// another length), sequentialReader answers what Bucket.Get answers, in
// a bucket of many pages that also holds a nested bucket.
func TestSequentialReaderIsGet(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "seq.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := func(i uint64) []byte { return binary.BigEndian.AppendUint64(nil, i) }
	rng := rand.New(rand.NewPCG(3, 4))
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("s"))
		if err != nil {
			return err
		}
		for i := uint64(0); i < 5000; i++ {
			if rng.IntN(4) == 0 {
				continue // a gap
			}
			if err := b.Put(key(i), bytes.Repeat([]byte{byte(i)}, 1+int(i%200))); err != nil {
				return err
			}
		}
		if err := b.Delete(key(2500)); err != nil {
			return err
		}
		_, err = b.CreateBucket(key(2500)) // a nested bucket: Get gives nil
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("s"))
		for round := range 50 {
			r := sequentialReader{c: b.Cursor()}
			at := uint64(rng.IntN(5100))
			for step := range 400 {
				switch rng.IntN(10) {
				case 0:
					at = uint64(rng.IntN(5100)) // anywhere, backwards too
				case 1: // the same key again
				default:
					at += uint64(1 + rng.IntN(3))
				}
				k := key(at)
				if rng.IntN(50) == 0 {
					k = k[:4] // a key of another length
				}
				if got, want := r.get(k), b.Get(k); !bytes.Equal(got, want) || (got == nil) != (want == nil) {
					t.Fatalf("round %d, step %d, key %x: got %d bytes, Get gives %d", round, step, k, len(got), len(want))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
