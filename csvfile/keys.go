package csvfile

import "fmt"

// checkKey returns why key cannot be a key of the column canonical (one of
// keyColumns' canonical names other than email), or "". What a platform
// would refuse at the first send is refused at import, with its line.
//
//   - telegram_id: a Telegram user id, digits (groups, negative, are not
//     people);
//   - discord_id: a Discord user id (a snowflake), digits;
//   - slack_id: a Slack user id, U or W then capitals and digits;
//   - teams_id: a Teams user id (29:… or an AAD object id), no spaces;
//   - respondentID: an id herald's chat made (22 letters, digits, - and _,
//     shown at the bottom of the chat page) or a platform's user id as
//     above, for a campaign on that platform.
func checkKey(canonical, key string) string {
	switch canonical {
	case "telegram_id":
		if !digits(key, 1, 20) {
			return fmt.Sprintf("%q is not a Telegram user id (digits only)", key)
		}
	case "discord_id":
		if !digits(key, 1, 20) {
			return fmt.Sprintf("%q is not a Discord user id (digits only)", key)
		}
	case "slack_id":
		if !slackUser(key) {
			return fmt.Sprintf("%q is not a Slack user id (U or W, then capitals and digits, as in U0123ABCD)", key)
		}
	case "teams_id":
		if !printable(key, 200) {
			return fmt.Sprintf("%q is not a Teams user id (no spaces, at most 200 characters)", key)
		}
	case "respondentID":
		if !chatID(key) && !digits(key, 1, 20) && !slackUser(key) {
			return fmt.Sprintf("%q is not a respondent id: an id from herald's chat has 22 letters, digits, - and _ (shown at the bottom of the chat page); a platform's user id is digits (Telegram, Discord) or U… (Slack)", key)
		}
	}
	return ""
}

// digits reports whether s is between min and max ASCII digits.
func digits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// slackUser reports whether s looks like a Slack user id.
func slackUser(s string) bool {
	if len(s) < 2 || len(s) > 20 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// chatID reports whether s is an id herald's web chat makes: 22 base64url
// characters.
func chatID(s string) bool {
	if len(s) != 22 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// printable reports whether s has 1 to max bytes, none a space or a
// control character.
func printable(s string, max int) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return false
		}
	}
	return true
}
