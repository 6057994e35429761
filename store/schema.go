package store

import (
	"encoding/binary"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/contacts"
)

// SchemaVersion is the layout this herald writes. Open migrates older files
// forward; it refuses newer ones.
//
// History:
//
//	1: contacts, lists, campaigns, sendings, conversations, events.
//	2: adds contacts_by_email, the index behind ContactByEmail.
//	3: adds the outbox and the intake keys (outbox.go).
//	4: adds sendings_due, the open sendings by due time (sendingsdue.go).
//	5: counts the bytes of the files kept with posts (posts.go).
//	6: counts the posts waiting in the outbox, per platform (outbox.go).
//	7: indexes conversations by when something is due (conversations.go).
//	8: adds API tokens and the event API's idempotency keys (apitokens.go).
//	9: indexes events by contact; the nudge scheduler's cursor and
//	   once-per-contact record (nudges.go).
//	10: indexes events by conversation, the conversations' history
//	   (history.go).
//	11: automation recipes and their runs (recipes.go).
//	12: business-hours calendars and the recipes' notification counters
//	   (calendars.go).
//	13: outbound webhooks: endpoints, secrets, deliveries, logs
//	   (webhooks.go).
//	14: saved filters, the conditions recipes use by name (filters.go).
//	15: recipe run keys by event, forgotten once planned past; webhook
//	   message ids by time, forgotten after events.KeyTTL (recipes.go).
//	16: survey responses and the text questions asked (surveys.go).
//	17: campaign engagement: seen and clicks per sending (engagement.go).
const SchemaVersion = 17

var (
	bucketMeta            = []byte("meta")
	bucketContacts        = []byte("contacts")
	bucketContactsByAddr  = []byte("contacts_by_address")
	bucketContactsByEmail = []byte("contacts_by_email")
	bucketLists           = []byte("lists")
	bucketListRecipients  = []byte("list_recipients")
	bucketCampaigns       = []byte("campaigns")
	bucketSendings        = []byte("sendings")
	bucketConversations   = []byte("conversations")
	bucketConvByPart      = []byte("conversations_by_participant")
	bucketConvByThread    = []byte("conversations_by_thread")
	bucketEvents          = []byte("events")

	keySchemaVersion = []byte("schema_version")
	keyApp           = []byte("app")
	appName          = []byte("herald")
)

// schemaV1Buckets are the top-level buckets of schema version 1.
var schemaV1Buckets = [][]byte{
	bucketMeta, bucketContacts, bucketContactsByAddr, bucketLists, bucketListRecipients,
	bucketCampaigns, bucketSendings, bucketConversations, bucketConvByPart, bucketConvByThread, bucketEvents,
}

// migrations[i] turns a version i+1 file into version i+2, inside the
// transaction that opens the file.
var migrations = []func(tx *bolt.Tx) error{
	migrateV1toV2,
	migrateV2toV3,
	migrateV3toV4,
	migrateV4toV5,
	migrateV5toV6,
	migrateV6toV7,
	migrateV7toV8,
	migrateV8toV9,
	migrateV9toV10,
	migrateV10toV11,
	migrateV11toV12,
	migrateV12toV13,
	migrateV13toV14,
	migrateV14toV15,
	migrateV15toV16,
	migrateV16toV17,
}

// migrate initialises a new file or brings an older one to SchemaVersion,
// in the caller's write transaction so that a failure changes nothing.
func migrate(tx *bolt.Tx, path string) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		empty := true
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
		if !empty {
			return bot.Errorf(bot.EINVALID, "%s is a bbolt file but not a herald database: set another store.path", path)
		}
		for _, name := range schemaV1Buckets {
			if _, err := tx.CreateBucket(name); err != nil {
				return internal("creating bucket %s: %w", name, err)
			}
		}
		meta = tx.Bucket(bucketMeta)
		if err := meta.Put(keyApp, appName); err != nil {
			return internal("writing meta: %w", err)
		}
		if err := setSchemaVersion(tx, 1); err != nil {
			return err
		}
	} else if string(meta.Get(keyApp)) != string(appName) {
		return bot.Errorf(bot.EINVALID, "%s is not a herald database: set another store.path", path)
	}
	v, err := schemaVersion(tx)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return bot.Errorf(bot.EINVALID, "database %s has schema version %d, newer than this herald knows (%d): run a newer herald or restore a backup", path, v, SchemaVersion)
	}
	for ; v < SchemaVersion; v++ {
		if err := migrations[v-1](tx); err != nil {
			return bot.Errorf(bot.EINTERNAL, "migrating database %s from schema %d to %d: %w", path, v, v+1, err)
		}
		if err := setSchemaVersion(tx, v+1); err != nil {
			return err
		}
	}
	return nil
}

func schemaVersion(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0, internal("no meta bucket")
	}
	raw := meta.Get(keySchemaVersion)
	v, err := strconv.Atoi(string(raw))
	if err != nil || v < 1 {
		return 0, bot.Errorf(bot.EINVALID, "the database's schema version %q is unreadable: restore a backup", raw)
	}
	return v, nil
}

func setSchemaVersion(tx *bolt.Tx, v int) error {
	if err := tx.Bucket(bucketMeta).Put(keySchemaVersion, []byte(strconv.Itoa(v))); err != nil {
		return internal("writing schema version: %w", err)
	}
	return nil
}

// migrateV1toV2 builds the email index. Version 1 did not keep emails
// unique; where two contacts share one, the older contact keeps the index
// entry and the newer keeps its email unindexed.
func migrateV1toV2(tx *bolt.Tx) error {
	idx, err := tx.CreateBucketIfNotExists(bucketContactsByEmail)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketContacts).ForEach(func(k, v []byte) error {
		var c bot.Contact
		if err := decode(v, &c); err != nil {
			return err
		}
		email := contacts.NormalizeEmail(c.Email)
		if email == "" || idx.Get([]byte(email)) != nil {
			return nil
		}
		return idx.Put([]byte(email), k)
	})
}

// migrateV2toV3 adds the outbox's buckets.
func migrateV2toV3(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketOutbox, bucketIntakeKeys, bucketIntakeKeysTime} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// itob encodes an ID as an 8-byte big-endian key, so keys sort by ID.
func itob(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// btoi decodes a key written by itob.
func btoi(b []byte) uint64 { return binary.BigEndian.Uint64(b) }
