package store

import (
	"context"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
)

// Backup writes a consistent copy of the whole database to w while herald
// keeps running: the copy is taken inside one read transaction, so it holds
// every write committed before it began and none after. It returns the
// number of bytes written.
func (db *DB) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, bot.Errorf(bot.EUNAVAILABLE, "backup of %s failed: %w", db.path, err)
	}
	return n, nil
}

// BackupFile writes a consistent copy of the database to path, with mode
// 0600. The copy appears at path only once complete; an existing file at
// path is replaced.
func (db *DB) BackupFile(ctx context.Context, path string) (int64, error) {
	return WriteFileAtomic(path, func(w io.Writer) (int64, error) { return db.Backup(ctx, w) })
}

// WriteFileAtomic creates path with mode 0600 from what write produces: it
// writes a temporary file beside path, syncs it, and renames it into place,
// so that a reader never sees a partial file. On error nothing is left.
func WriteFileAtomic(path string, write func(io.Writer) (int64, error)) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, bot.Errorf(bot.EUNAVAILABLE, "cannot create %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) (int64, error) {
		f.Close()
		os.Remove(tmp)
		return 0, err
	}
	if err := f.Chmod(0o600); err != nil {
		return fail(bot.Errorf(bot.EUNAVAILABLE, "cannot set mode 0600 on %s: %w", path, err))
	}
	n, err := write(f)
	if err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(bot.Errorf(bot.EUNAVAILABLE, "cannot write %s: %w", path, err))
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return 0, bot.Errorf(bot.EUNAVAILABLE, "cannot write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return 0, bot.Errorf(bot.EUNAVAILABLE, "cannot write %s: %w", path, err)
	}
	return n, nil
}
