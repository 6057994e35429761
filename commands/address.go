package commands

import (
	"strings"

	"github.com/heraldchat/herald/bot"
)

// ParseAddress reads "platform:id". A bare string holding an "@" is read as
// an email address. It returns an EINVALID error for anything else.
func ParseAddress(s string) (bot.Address, error) {
	s = strings.TrimSpace(s)
	p, id, ok := strings.Cut(s, ":")
	if ok && bot.Platform(strings.ToLower(p)).Valid() && id != "" {
		return bot.Address{Platform: bot.Platform(strings.ToLower(p)), ID: id}, nil
	}
	if !ok && strings.Contains(s, "@") && !strings.ContainsAny(s, " \t") {
		return bot.Address{Platform: bot.PlatformEmail, ID: s}, nil
	}
	return bot.Address{}, bot.Errorf(bot.EINVALID, "%q is not an address: write platform:id (for example slack:U012AB3CD) or an email address", s)
}
