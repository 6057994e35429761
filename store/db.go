package store

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
)

// DefaultLockTimeout is how long Open waits for another process to release
// the database file before giving up.
const DefaultLockTimeout = 3 * time.Second

// Options tune Open. The zero value is usable.
type Options struct {
	// LockTimeout bounds the wait for the file lock; zero means
	// DefaultLockTimeout.
	LockTimeout time.Duration
	// Clock stamps records; nil means the system clock.
	Clock clock.Clock
	// NoSync skips fsync on commit. Only for tests and benchmarks that
	// measure something else: a crash may then lose recent commits.
	NoSync bool
	// AttributeSends keeps, for every campaign message sent, which
	// campaign last reached that address (LastCampaignFor), written with
	// the sending: a participant who answers carries that campaign to
	// their thread. One more key per message, in no order (bbolt rewrites
	// more pages): on only when threads need it (threads.channel_per:
	// campaign).
	AttributeSends bool
}

// DB is herald's database: one bbolt file. It implements every store port of
// package bot. A DB is safe for concurrent use.
type DB struct {
	path      string
	bolt      *bolt.DB
	clock     clock.Clock
	attribute bool
}

var (
	_ bot.ContactStore      = (*DB)(nil)
	_ bot.ListStore         = (*DB)(nil)
	_ bot.CampaignStore     = (*DB)(nil)
	_ bot.SendingStore      = (*DB)(nil)
	_ bot.ConversationStore = (*DB)(nil)
	_ bot.EventStore        = (*DB)(nil)
)

// Open opens or creates the database at path with mode 0600, checks its
// schema version and migrates it forward if it is older. It returns an
// EUNAVAILABLE error when another process holds the file for longer than the
// lock timeout, and an EINVALID error when the file is not a herald database
// or was written by a newer herald.
func Open(path string, opts Options) (*DB, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if opts.Clock == nil {
		opts.Clock = clock.System()
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout, NoSync: opts.NoSync})
	if err == nil {
		// Batched writes (intakes, posts, settles) wait at most a
		// millisecond for company: 200 µs lowered a steady relay's p99
		// but made a burst drain twice as slowly (BENCHMARKS.md).
		bdb.MaxBatchDelay = time.Millisecond
	}
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, bot.Errorf(bot.EUNAVAILABLE, "database %s is in use by another herald process (waited %s): stop that process or set another store.path", path, opts.LockTimeout)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
		return nil, bot.Errorf(bot.EINVALID, "%s is not a herald database or is damaged (%w): restore a backup or set another store.path", path, err)
	case err != nil:
		return nil, bot.Errorf(bot.EUNAVAILABLE, "cannot open database %s: %w", path, err)
	}
	// bbolt applies the mode only when it creates the file; an older file
	// with looser permissions is tightened, since it holds personal data.
	if err := os.Chmod(path, 0o600); err != nil {
		bdb.Close()
		return nil, bot.Errorf(bot.EUNAVAILABLE, "cannot set mode 0600 on database %s: %w", path, err)
	}
	db := &DB{path: path, bolt: bdb, clock: opts.Clock, attribute: opts.AttributeSends}
	if err := bdb.Update(func(tx *bolt.Tx) error { return migrate(tx, path) }); err != nil {
		bdb.Close()
		return nil, err
	}
	return db, nil
}

// Close waits for running transactions and closes the file. Every committed
// write is on disk when it returns.
func (db *DB) Close() error { return db.bolt.Close() }

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// SchemaVersion returns the schema version stored in the file.
func (db *DB) SchemaVersion() (int, error) {
	var v int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		v, err = schemaVersion(tx)
		return err
	})
	return v, err
}

// Ping checks that the database answers a read transaction; readiness
// probes call it.
func (db *DB) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta) == nil {
			return bot.Errorf(bot.EINTERNAL, "database %s has no meta bucket", db.path)
		}
		return nil
	})
}

// view and update run fn in a read or write transaction after checking ctx.
func (db *DB) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.View(fn)
}

func (db *DB) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(fn)
}

// batch is update for writes that many goroutines make at once (a crowd
// of participants writing): bbolt gathers concurrent calls into one
// transaction and one fsync. fn may run more than once (when another call
// in its batch fails) and must start from scratch each time.
func (db *DB) batch(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Batch(fn)
}

func (db *DB) now() time.Time { return db.clock.Now().UTC() }

func internal(format string, args ...any) error {
	return bot.Errorf(bot.EINTERNAL, "store: "+format, args...)
}

var bucketSecrets = []byte("secrets")

// Secret returns the random secret named name, making one of size bytes
// the first time. Secrets (such as the key that signs buttons) live in the
// database so that they survive restarts and travel with backups.
func (db *DB) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	var out []byte
	err := db.update(ctx, func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bucketMeta).CreateBucketIfNotExists(bucketSecrets)
		if err != nil {
			return internal("secrets bucket: %w", err)
		}
		if v := b.Get([]byte(name)); v != nil {
			out = append([]byte(nil), v...)
			return nil
		}
		out = make([]byte, size)
		if _, err := rand.Read(out); err != nil {
			return internal("making a secret: %w", err)
		}
		return b.Put([]byte(name), out)
	})
	return out, err
}

var _ bot.PostStore = (*DB)(nil)
