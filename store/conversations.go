package store

import (
	"context"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
)

func threadKey(t bot.ThreadRef) []byte { return []byte(t.Channel.String() + "\x00" + t.ID) }

// ConversationFor returns the participant's conversation, creating it with
// init when there is none. bbolt runs one write transaction at a time, so
// concurrent calls for one participant create exactly one conversation.
func (db *DB) ConversationFor(ctx context.Context, participant bot.Address, init func(*bot.Conversation)) (*bot.Conversation, bool, error) {
	if participant.IsZero() {
		return nil, false, bot.Errorf(bot.EINVALID, "a conversation needs a participant address")
	}
	var (
		c       *bot.Conversation
		created bool
	)
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var err error
		c, created, err = db.conversationFor(tx, participant, init)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return c, created, nil
}

// conversationFor is ConversationFor inside tx.
func (db *DB) conversationFor(tx *bolt.Tx, participant bot.Address, init func(*bot.Conversation)) (*bot.Conversation, bool, error) {
	if id := tx.Bucket(bucketConvByPart).Get([]byte(participant.String())); id != nil {
		c, err := conversationByID(tx, bot.ConversationID(btoi(id)))
		return c, false, err
	}
	c := &bot.Conversation{Status: bot.ConversationOpen}
	if init != nil {
		init(c)
	}
	b := tx.Bucket(bucketConversations)
	id, err := b.NextSequence()
	if err != nil {
		return nil, false, internal("conversation sequence: %w", err)
	}
	now := db.now()
	c.ID, c.Participant, c.CreatedAt, c.UpdatedAt = bot.ConversationID(id), participant, now, now
	if c.Thread != (bot.ThreadRef{}) && tx.Bucket(bucketConvByThread).Get(threadKey(c.Thread)) != nil {
		return nil, false, bot.Errorf(bot.ECONFLICT, "thread %s already belongs to another conversation", c.Thread.ID)
	}
	if err := put(b, itob(id), c); err != nil {
		return nil, false, err
	}
	if err := indexDue(tx, nil, c); err != nil {
		return nil, false, err
	}
	return c, true, indexConversation(tx, c)
}

// Conversation returns the conversation with that ID, or ENOTFOUND.
func (db *DB) Conversation(ctx context.Context, id bot.ConversationID) (*bot.Conversation, error) {
	var c *bot.Conversation
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		c, err = conversationByID(tx, id)
		return err
	})
	return c, err
}

// ConversationByParticipant returns the participant's conversation, or
// ENOTFOUND.
func (db *DB) ConversationByParticipant(ctx context.Context, participant bot.Address) (*bot.Conversation, error) {
	return db.conversationByIndex(ctx, bucketConvByPart, []byte(participant.String()), "no conversation with "+participant.String())
}

// ConversationByThread returns the conversation shown in thread t, or
// ENOTFOUND.
func (db *DB) ConversationByThread(ctx context.Context, t bot.ThreadRef) (*bot.Conversation, error) {
	return db.conversationByIndex(ctx, bucketConvByThread, threadKey(t), "no conversation in thread "+t.ID)
}

func (db *DB) conversationByIndex(ctx context.Context, index, key []byte, missing string) (*bot.Conversation, error) {
	var c *bot.Conversation
	err := db.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(index).Get(key)
		if id == nil {
			return bot.Errorf(bot.ENOTFOUND, "%s", missing)
		}
		var err error
		c, err = conversationByID(tx, bot.ConversationID(btoi(id)))
		return err
	})
	return c, err
}

// UpdateConversation applies fn to the stored conversation and saves it,
// keeping the thread index in step. It returns EINVALID if fn changes the
// participant and ECONFLICT if it moves the conversation into a thread that
// holds another.
func (db *DB) UpdateConversation(ctx context.Context, id bot.ConversationID, fn func(*bot.Conversation) error) (*bot.Conversation, error) {
	var c *bot.Conversation
	// Batched: a crowd's threads open and settle at once (fn may run
	// again, from the stored conversation: see the contract).
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		var err error
		c, err = db.updateConversation(tx, id, fn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// updateConversation is UpdateConversation inside tx.
func (db *DB) updateConversation(tx *bolt.Tx, id bot.ConversationID, fn func(*bot.Conversation) error) (*bot.Conversation, error) {
	old, err := conversationByID(tx, id)
	if err != nil {
		return nil, err
	}
	c, err := conversationByID(tx, id)
	if err != nil {
		return nil, err
	}
	if err := fn(c); err != nil {
		return nil, err
	}
	if c.Participant != old.Participant {
		return nil, bot.Errorf(bot.EINVALID, "the participant of conversation %d cannot change", id)
	}
	c.ID, c.CreatedAt, c.UpdatedAt = id, old.CreatedAt, db.now()
	if c.Thread != old.Thread {
		byThread := tx.Bucket(bucketConvByThread)
		if !c.Thread.IsZero() {
			if other := byThread.Get(threadKey(c.Thread)); other != nil && btoi(other) != uint64(id) {
				return nil, bot.Errorf(bot.ECONFLICT, "thread %s already belongs to conversation %d", c.Thread.ID, btoi(other))
			}
		}
		if !old.Thread.IsZero() {
			if err := byThread.Delete(threadKey(old.Thread)); err != nil {
				return nil, internal("unindexing conversation: %w", err)
			}
		}
	}
	if err := put(tx.Bucket(bucketConversations), itob(uint64(id)), c); err != nil {
		return nil, err
	}
	if err := indexDue(tx, old, c); err != nil {
		return nil, err
	}
	return c, indexConversation(tx, c)
}

// Conversations returns the conversations matching f in ID order.
func (db *DB) Conversations(ctx context.Context, f bot.ConversationFilter) ([]*bot.Conversation, error) {
	var out []*bot.Conversation
	err := db.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketConversations).Cursor()
		for k, v := cur.Seek(itob(uint64(f.After) + 1)); k != nil; k, v = cur.Next() {
			var c bot.Conversation
			if err := decode(v, &c); err != nil {
				return err
			}
			if f.Status != "" && c.Status != f.Status {
				continue
			}
			out = append(out, &c)
			if f.Limit > 0 && len(out) == f.Limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// The due index holds one key per conversation with something due (see
// bot.Conversation.DueAt): when (8 bytes, Unix nanoseconds) then the ID.
var bucketConvDue = []byte("conversations_due")

// convDueKey returns c's key in the due index, or nil when nothing is due.
func convDueKey(c *bot.Conversation) []byte {
	at := c.DueAt()
	if at.IsZero() {
		return nil
	}
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(max(at.UnixNano(), 0)))
	binary.BigEndian.PutUint64(k[8:], uint64(c.ID))
	return k
}

// indexDue moves c's entry in the due index from where old had it (old
// nil: a new conversation).
func indexDue(tx *bolt.Tx, old, c *bot.Conversation) error {
	var was []byte
	if old != nil {
		was = convDueKey(old)
	}
	now := convDueKey(c)
	if string(was) == string(now) {
		return nil
	}
	b := tx.Bucket(bucketConvDue)
	if was != nil {
		if err := b.Delete(was); err != nil {
			return internal("unindexing a due conversation: %w", err)
		}
	}
	if now != nil {
		if err := b.Put(now, nil); err != nil {
			return internal("indexing a due conversation: %w", err)
		}
	}
	return nil
}

// DueConversations returns up to limit conversations with something due
// at or before now, earliest first.
func (db *DB) DueConversations(ctx context.Context, now time.Time, limit int) ([]*bot.Conversation, error) {
	var out []*bot.Conversation
	end := uint64(max(now.UnixNano(), 0))
	err := db.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketConvDue).Cursor()
		for k, _ := cur.First(); k != nil && binary.BigEndian.Uint64(k) <= end; k, _ = cur.Next() {
			c, err := conversationByID(tx, bot.ConversationID(binary.BigEndian.Uint64(k[8:])))
			if err != nil {
				return err
			}
			out = append(out, c)
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// migrateV6toV7 builds the due index of conversations.
func migrateV6toV7(tx *bolt.Tx) error {
	b, err := tx.CreateBucketIfNotExists(bucketConvDue)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketConversations).ForEach(func(_, v []byte) error {
		var c bot.Conversation
		if err := decode(v, &c); err != nil {
			return err
		}
		if k := convDueKey(&c); k != nil {
			return b.Put(k, nil)
		}
		return nil
	})
}

func conversationByID(tx *bolt.Tx, id bot.ConversationID) (*bot.Conversation, error) {
	var c bot.Conversation
	ok, err := get(tx.Bucket(bucketConversations), itob(uint64(id)), &c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "conversation %d not found", id)
	}
	return &c, nil
}

func indexConversation(tx *bolt.Tx, c *bot.Conversation) error {
	id := itob(uint64(c.ID))
	if err := tx.Bucket(bucketConvByPart).Put([]byte(c.Participant.String()), id); err != nil {
		return internal("indexing conversation: %w", err)
	}
	if !c.Thread.IsZero() {
		if err := tx.Bucket(bucketConvByThread).Put(threadKey(c.Thread), id); err != nil {
			return internal("indexing conversation: %w", err)
		}
	}
	return nil
}
