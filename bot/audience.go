package bot

import (
	"context"
	"strings"
)

// recipientBatch is how many recipients EachRecipient hands over at a
// time: the sendings the engine writes per transaction when it prepares a
// campaign.
const recipientBatch = 5000

// EachRecipient calls fn with batches of new sendings (key, attributes,
// source row, and the address for a platform audience) for the audience
// of c, from after the given source row, in source order, and returns the
// audience's key column. An error from fn stops the walk and is returned;
// a campaign without an audience is EINVALID.
func EachRecipient(ctx context.Context, lists ListStore, contacts ContactStore, c *Campaign, after uint64, fn func([]*Sending) error) (string, error) {
	switch c.Audience.Kind {
	case AudienceList:
		l, err := lists.List(ctx, c.Audience.List)
		if err != nil {
			return "", err
		}
		for {
			page, err := lists.Recipients(ctx, l.Name, after, recipientBatch)
			if err != nil || len(page) == 0 {
				return l.KeyColumn, err
			}
			batch := make([]*Sending, len(page))
			for i, r := range page {
				batch[i] = &Sending{Key: r.Key, Attributes: r.Attributes, Source: r.ID}
			}
			if err := fn(batch); err != nil {
				return "", err
			}
			after = page[len(page)-1].ID
		}
	case AudiencePlatform:
		p := c.Audience.Platform
		keyColumn := string(p) + "_id"
		if p == PlatformWeb {
			keyColumn = "respondentID"
		}
		for {
			page, err := contacts.Contacts(ctx, ContactFilter{Platform: p, Reachable: true, After: ContactID(after), Limit: recipientBatch})
			if err != nil || len(page) == 0 {
				return keyColumn, err
			}
			batch := make([]*Sending, len(page))
			for i, ct := range page {
				a, _ := ct.AddressOn(p)
				batch[i] = &Sending{Key: a.Address.ID, Attributes: ct.Attributes, Address: a.Address, Source: uint64(ct.ID)}
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
	return "", Errorf(EINVALID, "campaign %d has no audience: choose a list or all:PLATFORM", c.ID)
}

// AudienceKeyColumn returns the key column of c's audience: the list's,
// or PLATFORM_id (respondentID for the web chat) for a platform audience.
// A campaign without an audience is EINVALID.
func AudienceKeyColumn(ctx context.Context, lists ListStore, c *Campaign) (string, error) {
	switch c.Audience.Kind {
	case AudienceList:
		l, err := lists.List(ctx, c.Audience.List)
		if err != nil {
			return "", err
		}
		return l.KeyColumn, nil
	case AudiencePlatform:
		if c.Audience.Platform == PlatformWeb {
			return "respondentID", nil
		}
		return string(c.Audience.Platform) + "_id", nil
	}
	return "", Errorf(EINVALID, "campaign %d has no audience: choose a list or all:PLATFORM", c.ID)
}

// withContactAttrs returns a contact's attributes with its name and email,
// so that {{first_name}} and {{email}} work for platform audiences.
func withContactAttrs(ct *Contact) map[string]string {
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
