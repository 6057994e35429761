package store

import (
	"bytes"
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/surveys"
)

// Survey responses (schema 16) are kept by campaign ID + respondent; a
// participant asked a text question is marked in survey_asking_text
// (address NUL campaign ID → a sequence: which asked last) until they answer
// it, so that their next message is read as the answer (to the survey
// that asked last, when two ask at once).

var (
	bucketSurveyResponses = []byte("survey_responses")
	bucketSurveyAsking    = []byte("survey_asking_text")
	bucketSurveyTallies   = []byte("survey_tallies") // campaign ID → surveys.Tally
)

func migrateV15toV16(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketSurveyResponses, bucketSurveyAsking, bucketSurveyTallies} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

func responseKey(id bot.CampaignID, respondent string) []byte {
	return append(itob(uint64(id)), respondent...)
}

// Respond applies fn to a response and saves it, with the posts fn
// returns and the participant's text-question mark, in one transaction
// shared with other writes at once.
func (db *DB) Respond(ctx context.Context, id bot.CampaignID, respondent string, participant bot.Address, fn func(r *surveys.Response) (surveys.Step, error)) (*surveys.Response, error) {
	if respondent == "" {
		return nil, bot.Errorf(bot.EINVALID, "a survey response needs a respondent")
	}
	var out *surveys.Response
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSurveyResponses)
		key := responseKey(id, respondent)
		r := &surveys.Response{}
		ok, err := get(b, key, r)
		if err != nil {
			return err
		}
		if !ok {
			now := db.now()
			r = &surveys.Response{CampaignID: id, Respondent: respondent, Answers: map[int]surveys.Answer{}, StartedAt: now}
		}
		if r.Answers == nil {
			r.Answers = map[int]surveys.Answer{}
		}
		step, err := fn(r)
		if err != nil {
			return err
		}
		r.UpdatedAt = db.now()
		if err := put(b, key, r); err != nil {
			return err
		}
		if err := db.enqueue(tx, step.Posts); err != nil {
			return err
		}
		if step.Copy != nil {
			if step.Copy.Channel.IsZero() {
				return bot.Errorf(bot.EINVALID, "a post needs a channel")
			}
			if err := db.postKeeper(step.Copy)(tx); err != nil {
				return err
			}
		}
		if step.Tally != nil {
			tb := tx.Bucket(bucketSurveyTallies)
			var t surveys.Tally
			if _, err := get(tb, itob(uint64(id)), &t); err != nil {
				return err
			}
			step.Tally(&t)
			if err := put(tb, itob(uint64(id)), &t); err != nil {
				return err
			}
		}
		if !participant.IsZero() {
			asking := tx.Bucket(bucketSurveyAsking)
			k := askingKey(participant, id)
			if step.AskingText {
				var seq uint64
				if seq, err = asking.NextSequence(); err == nil {
					err = asking.Put(k, itob(seq))
				}
			} else {
				err = asking.Delete(k)
			}
			if err != nil {
				return internal("marking a text question: %w", err)
			}
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Responses calls fn with each response to survey id, by respondent.
func (db *DB) Responses(ctx context.Context, id bot.CampaignID, fn func(*surveys.Response) error) error {
	return db.view(ctx, func(tx *bolt.Tx) error {
		prefix := itob(uint64(id))
		c := tx.Bucket(bucketSurveyResponses).Cursor()
		for k, v := c.Seek(prefix); k != nil && len(k) >= 8 && btoi(k[:8]) == uint64(id); k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var r surveys.Response
			if err := decode(v, &r); err != nil {
				return err
			}
			if err := fn(&r); err != nil {
				return err
			}
		}
		return nil
	})
}

func askingKey(participant bot.Address, id bot.CampaignID) []byte {
	return append(append([]byte(participant.String()), 0), itob(uint64(id))...)
}

// AskingText returns the survey whose text question participant was
// asked last, 0 when none.
func (db *DB) AskingText(ctx context.Context, participant bot.Address) (bot.CampaignID, error) {
	var id bot.CampaignID
	err := db.view(ctx, func(tx *bolt.Tx) error {
		prefix := append([]byte(participant.String()), 0)
		var newest uint64
		c := tx.Bucket(bucketSurveyAsking).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(k) == len(prefix)+8 && len(v) == 8 && btoi(v) >= newest {
				newest, id = btoi(v), bot.CampaignID(btoi(k[len(prefix):]))
			}
		}
		return nil
	})
	return id, err
}

// SurveyTally returns survey id's running counts.
func (db *DB) SurveyTally(ctx context.Context, id bot.CampaignID) (*surveys.Tally, error) {
	t := &surveys.Tally{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		_, err := get(tx.Bucket(bucketSurveyTallies), itob(uint64(id)), t)
		return err
	})
	return t, err
}

var _ surveys.Store = (*DB)(nil)
