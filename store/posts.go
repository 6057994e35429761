package store

import (
	"context"
	"encoding/binary"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
)

var (
	bucketPosts     = []byte("posts")
	bucketPostFiles = []byte("post-files")
)

// postFile is a file kept with a post.
type postFile struct {
	Channel     bot.Address `json:"channel"`
	Name        string      `json:"name"`
	ContentType string      `json:"content_type,omitempty"`
	Data        []byte      `json:"data"`
}

func postsKey(channel bot.Address, thread string) []byte {
	return []byte(channel.String() + "\x00" + thread)
}

// AppendPost stores p at the end of its channel and thread.
func (db *DB) AppendPost(ctx context.Context, p *bot.Post) error {
	if p.Channel.IsZero() {
		return bot.Errorf(bot.EINVALID, "a post needs a channel")
	}
	keep := db.postKeeper(p)
	return db.batch(ctx, func(tx *bolt.Tx) error { return keep(tx) })
}

// AppendPostOnce stores p unless key was used within bot.KeyTTL. Keys live
// with the intake's (same bucket, same pruning), prefixed "post:", their
// value the time then the post's ID.
func (db *DB) AppendPostOnce(ctx context.Context, p *bot.Post, key string) (bool, error) {
	if p.Channel.IsZero() {
		return false, bot.Errorf(bot.EINVALID, "a post needs a channel")
	}
	if key == "" {
		return false, bot.Errorf(bot.EINVALID, "a post sent once needs a key")
	}
	keep := db.postKeeper(p)
	k := []byte("post:" + key)
	var already bool
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		already = false
		now := db.now()
		if err := pruneIntakeKeys(tx, now); err != nil {
			return err
		}
		keys := tx.Bucket(bucketIntakeKeys)
		if v := keys.Get(k); len(v) == 16 {
			p.ID, already = btoi(v[8:]), true
			return nil
		}
		if err := keep(tx); err != nil {
			return err
		}
		v := make([]byte, 16)
		binary.BigEndian.PutUint64(v, uint64(now.UnixNano()))
		binary.BigEndian.PutUint64(v[8:], p.ID)
		if err := keys.Put(k, v); err != nil {
			return internal("recording a post's key: %w", err)
		}
		if err := tx.Bucket(bucketIntakeKeysTime).Put(append(v[:8:8], k...), nil); err != nil {
			return internal("recording a post's key: %w", err)
		}
		return nil
	})
	return already, err
}

// postKeeper returns what appends p inside a transaction. Posts made at
// once share a transaction that may run again, so it starts from the
// files as given each time.
func (db *DB) postKeeper(p *bot.Post) func(*bolt.Tx) error {
	ids := make([]string, len(p.Message.Files))
	for i, f := range p.Message.Files {
		ids[i] = f.ID
	}
	return func(tx *bolt.Tx) error {
		for i := range p.Message.Files {
			p.Message.Files[i].ID = ids[i]
		}
		root, err := tx.CreateBucketIfNotExists(bucketPosts)
		if err != nil {
			return internal("posts bucket: %w", err)
		}
		b, err := root.CreateBucketIfNotExists(postsKey(p.Channel, p.Thread))
		if err != nil {
			return internal("posts bucket: %w", err)
		}
		id, err := b.NextSequence()
		if err != nil {
			return internal("post sequence: %w", err)
		}
		p.ID = id
		if p.At.IsZero() {
			p.At = db.now()
		}
		for i := range p.Message.Files {
			f := &p.Message.Files[i]
			if f.ID != "" || len(f.Data) == 0 {
				continue
			}
			fb, err := tx.CreateBucketIfNotExists(bucketPostFiles)
			if err != nil {
				return internal("post files bucket: %w", err)
			}
			seq, err := fb.NextSequence()
			if err != nil {
				return internal("post file sequence: %w", err)
			}
			key := strconv.FormatUint(seq, 10)
			if err := put(fb, []byte(key), postFile{Channel: p.Channel, Name: f.Name, ContentType: f.ContentType, Data: f.Data}); err != nil {
				return err
			}
			f.ID, f.Size = key, int64(len(f.Data))
			if err := addFilesBytes(tx, int64(len(f.Data))); err != nil {
				return err
			}
		}
		return put(b, itob(id), p)
	}
}

// keyFilesBytes holds, in the meta bucket, the bytes of every file kept
// with posts (8 bytes, big-endian), kept by every write of one.
var keyFilesBytes = []byte("post_files_bytes")

func addFilesBytes(tx *bolt.Tx, n int64) error {
	meta := tx.Bucket(bucketMeta)
	var v [8]byte
	copy(v[:], meta.Get(keyFilesBytes))
	binary.BigEndian.PutUint64(v[:], binary.BigEndian.Uint64(v[:])+uint64(n))
	if err := meta.Put(keyFilesBytes, v[:]); err != nil {
		return internal("counting the files' bytes: %w", err)
	}
	return nil
}

// PostFilesSize returns the bytes of every file kept with posts.
func (db *DB) PostFilesSize(ctx context.Context) (int64, error) {
	var n int64
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyFilesBytes); len(v) == 8 {
			n = int64(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	return n, err
}

// migrateV4toV5 counts the bytes of the files kept so far.
func migrateV4toV5(tx *bolt.Tx) error {
	fb := tx.Bucket(bucketPostFiles)
	if fb == nil {
		return nil
	}
	var total int64
	err := fb.ForEach(func(_, v []byte) error {
		var pf postFile
		if err := decode(v, &pf); err != nil {
			return err
		}
		total += int64(len(pf.Data))
		return nil
	})
	if err != nil {
		return err
	}
	return addFilesBytes(tx, total)
}

// PostFile returns a file kept with a post.
func (db *DB) PostFile(ctx context.Context, id string) (bot.File, bot.Address, error) {
	var pf postFile
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var v []byte
		if b := tx.Bucket(bucketPostFiles); b != nil {
			v = b.Get([]byte(id))
		}
		if v == nil {
			return bot.Errorf(bot.ENOTFOUND, "no file %q", id)
		}
		return decode(v, &pf)
	})
	if err != nil {
		return bot.File{}, bot.Address{}, err
	}
	return bot.File{ID: id, Name: pf.Name, ContentType: pf.ContentType, Size: int64(len(pf.Data)), Data: pf.Data}, pf.Channel, nil
}

// Posts returns the posts of a channel and thread after an ID.
func (db *DB) Posts(ctx context.Context, channel bot.Address, thread string, after uint64, limit int) ([]*bot.Post, error) {
	var out []*bot.Post
	err := db.view(ctx, func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketPosts)
		if root == nil {
			return nil
		}
		b := root.Bucket(postsKey(channel, thread))
		if b == nil {
			return nil
		}
		var err error
		out, err = pageAfter[bot.Post](b, after, limit)
		return err
	})
	return out, err
}

// ReplaceSecret stores value as the secret named name, in place of any
// it had (a login token reset).
func (db *DB) ReplaceSecret(ctx context.Context, name string, value []byte) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bucketMeta).CreateBucketIfNotExists(bucketSecrets)
		if err != nil {
			return internal("secrets bucket: %w", err)
		}
		if err := b.Put([]byte(name), value); err != nil {
			return internal("writing secret: %w", err)
		}
		return nil
	})
}

// InitSecret returns the secret named name, storing make()'s value the
// first time; created says whether it was made now. It keeps what the
// caller gives (such as the hash of a login token printed once).
func (db *DB) InitSecret(ctx context.Context, name string, make func() ([]byte, error)) (value []byte, created bool, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bucketMeta).CreateBucketIfNotExists(bucketSecrets)
		if err != nil {
			return internal("secrets bucket: %w", err)
		}
		if v := b.Get([]byte(name)); v != nil {
			value, created = append([]byte(nil), v...), false
			return nil
		}
		if value, err = make(); err != nil {
			return err
		}
		created = true
		return b.Put([]byte(name), value)
	})
	return value, created, err
}
