package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
)

// FuzzDecodeSending: any bytes decode to a sending or an error, never a
// panic; a decoded sending encodes back to the same bytes' meaning.
func FuzzDecodeSending(f *testing.F) {
	s := &bot.Sending{ID: 7, CampaignID: 3, Key: "ada@example.org", State: bot.SendingSent,
		Attributes: map[string]string{"first_name": "Ada"},
		Address:    bot.Address{Platform: bot.PlatformTelegram, ID: "1001"},
		PlannedAt:  time.Unix(1_800_000_000, 0).UTC(), Attempts: 2, Step: bot.StepSend, Error: "x",
		SentAt: time.Unix(1_800_000_100, 0).UTC(), Message: bot.MessageRef{Channel: bot.Address{Platform: bot.PlatformTelegram, ID: "1001"}, ID: "9"}, Resent: true}
	b, err := encodeSending(nil, s)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte{4, 1})
	f.Fuzz(func(t *testing.T, v []byte) {
		got, err := decodeSending(v)
		if err != nil {
			return
		}
		again, err := encodeSending(nil, got)
		if err != nil {
			t.Fatalf("a decoded sending does not encode: %v", err)
		}
		back, err := decodeSending(again)
		if err != nil || !reflect.DeepEqual(got, back) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, got, back)
		}
	})
}
