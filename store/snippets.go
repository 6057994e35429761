package store

import (
	"context"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/threads"
)

var bucketSnippets = []byte("snippets")

func snippetKey(name string) []byte { return []byte(strings.ToLower(strings.TrimSpace(name))) }

// PutSnippet stores s, replacing a snippet of the same name.
func (db *DB) PutSnippet(ctx context.Context, s *threads.Snippet) error {
	if strings.TrimSpace(s.Name) == "" || strings.ContainsAny(s.Name, " \t\n") {
		return bot.Errorf(bot.EINVALID, "a snippet needs a one-word name")
	}
	if strings.TrimSpace(s.Text) == "" {
		return bot.Errorf(bot.EINVALID, "snippet %s has no text", s.Name)
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSnippets)
		if err != nil {
			return internal("snippets bucket: %w", err)
		}
		return put(b, snippetKey(s.Name), s)
	})
}

// Snippet returns the snippet named name, or ENOTFOUND.
func (db *DB) Snippet(ctx context.Context, name string) (*threads.Snippet, error) {
	var s threads.Snippet
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSnippets)
		ok := false
		if b != nil {
			var err error
			if ok, err = get(b, snippetKey(name), &s); err != nil {
				return err
			}
		}
		if !ok {
			return bot.Errorf(bot.ENOTFOUND, "no snippet named %s: `snippets list` shows them", name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// Snippets returns every snippet in name order.
func (db *DB) Snippets(ctx context.Context) ([]*threads.Snippet, error) {
	var out []*threads.Snippet
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSnippets)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var s threads.Snippet
			if err := decode(v, &s); err != nil {
				return err
			}
			out = append(out, &s)
			return nil
		})
	})
	return out, err
}

// DeleteSnippet removes a snippet, or returns ENOTFOUND.
func (db *DB) DeleteSnippet(ctx context.Context, name string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSnippets)
		if b == nil || b.Get(snippetKey(name)) == nil {
			return bot.Errorf(bot.ENOTFOUND, "no snippet named %s", name)
		}
		return b.Delete(snippetKey(name))
	})
}

var _ threads.SnippetStore = (*DB)(nil)
