package bot

import (
	"context"
	"slices"
	"strings"
)

// MembershipChecker is an optional platform ability: whether a user
// belongs to a group (a Slack user group, a Discord role, the admins of a
// Telegram group).
type MembershipChecker interface {
	IsMember(ctx context.Context, user Address, group string) (bool, error)
}

// Moderators says who may run commands: user ids listed per platform, or
// members of a group per platform, checked through the platform's
// MembershipChecker. Console logins are listed under PlatformWeb. It is
// safe for concurrent use once built.
type Moderators struct {
	Users    map[Platform][]string
	Groups   map[Platform]string
	Checkers map[Platform]MembershipChecker
}

// ConsolePrefix starts the web address of someone logged in to the web
// console. Only the console's handlers, after checking the login, make
// such actors (participants' web ids are random and have no colon).
const ConsolePrefix = "console:"

// IsModerator reports whether a may run commands. herald itself (the zero
// actor) and anyone logged in to the web console may; anyone unlisted may
// not. An error means the platform could not be asked; callers refuse
// then.
func (m *Moderators) IsModerator(ctx context.Context, a Actor) (bool, error) {
	if a.Address.IsZero() || a.Address.Platform == PlatformWeb && strings.HasPrefix(a.Address.ID, ConsolePrefix) {
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
