package lists

import (
	"strings"

	"github.com/heraldchat/herald/bot"
)

// StagingPrefix starts the names of the hidden lists an import fills
// before it replaces a list's contents in one step. People cannot give a
// list such a name.
const StagingPrefix = "~"

// ValidateName returns an EINVALID error when name cannot name a list.
func ValidateName(name string) error {
	if strings.TrimSpace(name) == "" {
		return bot.Errorf(bot.EINVALID, "a list needs a name").Translated("err.list.name")
	}
	if len(name) > 80 {
		return bot.Errorf(bot.EINVALID, "list name %q is longer than 80 characters", name).Translated("err.list.name_long", name)
	}
	if strings.ContainsAny(name, " \t\r\n") {
		return bot.Errorf(bot.EINVALID, "list name %q has spaces: use letters, digits, - or _", name).Translated("err.list.name_spaces", name)
	}
	if strings.HasPrefix(name, StagingPrefix) {
		return bot.Errorf(bot.EINVALID, "list name %q starts with %s, which herald keeps for imports in progress", name, StagingPrefix)
	}
	return nil
}
