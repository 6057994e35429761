package moderators

import (
	"context"
	"slices"
	"strings"

	"github.com/heraldchat/herald/bot"
)

// MembershipChecker is an optional platform ability: whether a user
// belongs to a group the platform keeps (the adapters say which kind).
type MembershipChecker interface {
	IsMember(ctx context.Context, user bot.Address, group string) (bool, error)
}

// Set says who may run commands: user ids listed per platform, or members
// of a group per platform, checked through the platform's
// MembershipChecker. Console logins are listed under bot.PlatformWeb. It
// is safe for concurrent use once built.
type Set struct {
	Users    map[bot.Platform][]string
	Groups   map[bot.Platform]string
	Checkers map[bot.Platform]MembershipChecker
}

// ConsolePrefix starts the web address of someone logged in to the web
// console. Only the console's handlers, after checking the login, make
// such actors (participants' web ids are random and have no colon).
const ConsolePrefix = "console:"

// IsModerator reports whether a may run commands. herald itself (the zero
// actor) and anyone logged in to the web console may; anyone unlisted may
// not. An error means the platform could not be asked; callers refuse
// then.
func (m *Set) IsModerator(ctx context.Context, a bot.Actor) (bool, error) {
	if a.Address.IsZero() || a.Address.Platform == bot.PlatformWeb && strings.HasPrefix(a.Address.ID, ConsolePrefix) {
		return true, nil
	}
	if slices.Contains(m.Users[a.Address.Platform], a.Address.ID) {
		return true, nil
	}
	group := m.Groups[a.Address.Platform]
	checker := m.Checkers[a.Address.Platform]
	if group == "" || checker == nil {
		return false, nil
	}
	return checker.IsMember(ctx, a.Address, group)
}
