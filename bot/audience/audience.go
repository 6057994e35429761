package audience

import (
	"context"
	"strings"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/contacts"
)

// recipientBatch is how many recipients Each hands over at a
// time: the sendings the engine writes per transaction when it prepares a
// campaign. The first batch is smaller (firstBatch): sending begins once
// it is recorded.
const (
	recipientBatch = 5000
	firstBatch     = 500
)

// Each calls fn with batches of new sendings (key, attributes, source
// row, and the address for a platform audience; firstBatch of them, then
// recipientBatch at a time) for the audience of c, from after the given source row, in source order, and returns the
// audience's key column. An error from fn stops the walk and is returned;
// a campaign without an audience is bot.EINVALID.
func Each(ctx context.Context, lists bot.ListStore, contacts bot.ContactStore, c *bot.Campaign, after uint64, fn func([]*bot.Sending) error) (string, error) {
	switch c.Audience.Kind {
	case bot.AudienceList:
		l, err := lists.List(ctx, c.Audience.List)
		if err != nil {
			return "", err
		}
		for size := firstBatch; ; size = recipientBatch {
			page, err := lists.Recipients(ctx, l.Name, after, size)
			if err != nil || len(page) == 0 {
				return l.KeyColumn, err
			}
			batch := make([]*bot.Sending, len(page))
			for i, r := range page {
				batch[i] = &bot.Sending{Key: r.Key, Attributes: r.Attributes, Source: r.ID}
			}
			if err := fn(batch); err != nil {
				return "", err
			}
			after = page[len(page)-1].ID
		}
	case bot.AudiencePlatform:
		p := c.Audience.Platform
		keyColumn := string(p) + "_id"
		if p == bot.PlatformWeb {
			keyColumn = "respondentID"
		}
		for size := firstBatch; ; size = recipientBatch {
			page, err := contacts.Contacts(ctx, bot.ContactFilter{Platform: p, Reachable: true, After: bot.ContactID(after), Limit: size})
			if err != nil || len(page) == 0 {
				return keyColumn, err
			}
			batch := make([]*bot.Sending, len(page))
			for i, ct := range page {
				a, _ := ct.AddressOn(p)
				batch[i] = &bot.Sending{Key: a.Address.ID, Attributes: ct.Attributes, Address: a.Address, Source: uint64(ct.ID)}
				if ct.Name != "" || ct.Email != "" {
					batch[i].Attributes = withContactAttrs(ct)
				}
			}
			if err := fn(batch); err != nil {
				return "", err
			}
			after = uint64(page[len(page)-1].ID)
		}
	}
	return "", bot.Errorf(bot.EINVALID, "campaign %d has no audience: choose a list or all:PLATFORM", c.ID).Translated("err.campaign.no_audience_id", c.ID)
}

// KeyColumn returns the key column of c's audience: the list's,
// or PLATFORM_id (respondentID for the web chat) for a platform audience.
// A campaign without an audience is bot.EINVALID.
func KeyColumn(ctx context.Context, lists bot.ListStore, c *bot.Campaign) (string, error) {
	switch c.Audience.Kind {
	case bot.AudienceList:
		l, err := lists.List(ctx, c.Audience.List)
		if err != nil {
			return "", err
		}
		return l.KeyColumn, nil
	case bot.AudiencePlatform:
		if c.Audience.Platform == bot.PlatformWeb {
			return "respondentID", nil
		}
		return string(c.Audience.Platform) + "_id", nil
	}
	return "", bot.Errorf(bot.EINVALID, "campaign %d has no audience: choose a list or all:PLATFORM", c.ID).Translated("err.campaign.no_audience_id", c.ID)
}

// withContactAttrs returns a contact's attributes with its name and email,
// so that {{first_name}} and {{email}} work for platform audiences.
func withContactAttrs(ct *bot.Contact) map[string]string {
	out := make(map[string]string, len(ct.Attributes)+3)
	if ct.Name != "" {
		first, last, _ := strings.Cut(ct.Name, " ")
		out["name"], out["first_name"], out["last_name"] = ct.Name, first, last
	}
	if ct.Email != "" {
		out["email"] = ct.Email
	}
	for k, v := range ct.Attributes {
		out[k] = v
	}
	return out
}

// NormalizeKey returns the form under which recipient keys are compared:
// emails case-insensitively, other ids exactly (both trimmed).
func NormalizeKey(keyColumn, key string) string {
	if keyColumn == "email" {
		return contacts.NormalizeEmail(key)
	}
	return strings.TrimSpace(key)
}
