package bot

// Platform names a chat platform or delivery channel herald speaks to.
type Platform string

// The platforms herald knows. PlatformAuto is not a platform: in a campaign it
// means "choose per recipient from the contact directory".
const (
	PlatformSlack    Platform = "slack"
	PlatformDiscord  Platform = "discord"
	PlatformTelegram Platform = "telegram"
	PlatformTeams    Platform = "teams"
	PlatformWeb      Platform = "web"
	PlatformEmail    Platform = "email"
	PlatformAuto     Platform = "auto"
)

// Platforms lists every real platform, in a stable order.
func Platforms() []Platform {
	return []Platform{PlatformSlack, PlatformDiscord, PlatformTelegram, PlatformTeams, PlatformWeb, PlatformEmail}
}

// Valid reports whether p is one of the real platforms (not PlatformAuto).
func (p Platform) Valid() bool {
	for _, q := range Platforms() {
		if p == q {
			return true
		}
	}
	return false
}

// Address is where a person or a channel lives: a platform and the
// platform's own identifier (a user, chat or channel id on a chat platform,
// an email address, a web-chat respondent id).
type Address struct {
	Platform Platform `json:"platform"`
	ID       string   `json:"id"`
}

// String renders the address as "platform:id", the form commands read.
func (a Address) String() string {
	if a.IsZero() {
		return ""
	}
	return string(a.Platform) + ":" + a.ID
}

// IsZero reports whether a is the empty address.
func (a Address) IsZero() bool { return a.Platform == "" && a.ID == "" }

// Actor is who did something: a moderator, a participant, a recipe, or
// herald itself (the zero Actor).
type Actor struct {
	Address Address `json:"address"`
	Name    string  `json:"name,omitempty"`
	// Recipe names the automation recipe that acted, when one did; Depth
	// counts the recipe actions that led to this one (1 for a recipe
	// acting on a person's doing), so that recipes cannot trigger each
	// other without end.
	Recipe string `json:"recipe,omitempty"`
	Depth  int    `json:"depth,omitempty"`
	// Group names a team a conversation is assigned to (a platform's
	// user group or role, or a name moderators agree on) rather than
	// one person.
	Group string `json:"group,omitempty"`
}

// String names the actor for history lines and logs.
func (a Actor) String() string {
	switch {
	case a.Recipe != "":
		return "recipe " + a.Recipe
	case a.Group != "":
		return "group " + a.Group
	case a.Address.IsZero() && a.Name == "":
		return "herald"
	case a.Name == "":
		return a.Address.String()
	case a.Address.IsZero():
		return a.Name
	default:
		return a.Name + " (" + a.Address.String() + ")"
	}
}
