package lists

import "github.com/heraldchat/herald/bot"

// CountFilled adds delta (+1 or -1) to l.Filled for the columns r has a
// value in, for the stores that keep a list's column counts.
func CountFilled(l *bot.List, r *bot.Recipient, delta int) {
	if l.Filled == nil {
		return
	}
	for col, v := range r.Attributes {
		if v != "" {
			l.Filled[col] += delta
			if l.Filled[col] == 0 {
				delete(l.Filled, col)
			}
		}
	}
}
