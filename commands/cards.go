package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/schedule"
)

// progressWidth is the number of cells of a progress bar.
const progressWidth = 20

// ProgressBar draws done out of total as a bar and a percentage:
// "▓▓▓▓▓░░░░░░░░░░░░░░░ 25%".
func ProgressBar(done, total int) string {
	if total <= 0 {
		return strings.Repeat("░", progressWidth) + " 0%"
	}
	cells := done * progressWidth / total
	return strings.Repeat("▓", cells) + strings.Repeat("░", progressWidth-cells) + fmt.Sprintf(" %d%%", done*100/total)
}

// CampaignCard renders a campaign as a card: its state, a progress bar,
// its counters, the facts moderators check, and the buttons that fit its
// state, each carrying a signed command. loc is the zone dates are shown
// in (the campaign's when it has one).
func CampaignCard(t *Text, signer *Signer, c *bot.Campaign, n bot.SendingCounts) bot.Message {
	loc, err := schedule.Location(c.Schedule)
	if err != nil {
		loc = time.UTC
	}
	final := n.Sent + n.Failed + n.Skipped
	kind := bot.KindCard
	text := t.T(TextCardState) + ": *" + t.T(CampaignStateText(c.State)) + "*"
	if n.Total > 0 {
		text += "\n`" + ProgressBar(final, n.Total) + "`\n" +
			t.T(TextCardCounters, n.Pending+n.Scheduled, n.InFlight, n.Sent, n.Failed, n.Skipped)
	}
	audience := t.T(TextCardNoAudience)
	if c.Audience.Kind != "" {
		audience = c.Audience.String()
	}
	start := t.T(TextCardNow)
	if !c.Schedule.StartAt.IsZero() {
		start = c.Schedule.StartAt.In(loc).Format("2006-01-02 15:04 MST")
	}
	window := t.T(TextCardNoWindow)
	if c.Schedule.Window > 0 {
		window = shortDuration(c.Schedule.Window)
	}
	preview := c.Message.Text
	if len([]rune(preview)) > 140 {
		preview = string([]rune(preview)[:139]) + "…"
	}
	m := bot.Message{
		Kind:     kind,
		Campaign: c.ID,
		Title:    fmt.Sprintf("#%d %s", c.ID, c.Name),
		Text:     text,
		Fields: []bot.Field{
			{Label: t.T(TextCardAudience), Value: audience, Short: true},
			{Label: t.T(TextCardPlatform), Value: string(c.Platform), Short: true},
			{Label: t.T(TextCardStart), Value: start, Short: true},
			{Label: t.T(TextCardWindow), Value: window, Short: true},
		},
	}
	if hours := workingTime(c.Schedule, t.Locale()); hours != "" {
		m.Fields = append(m.Fields, bot.Field{Label: t.T(TextCardHours), Value: hours, Short: true})
	}
	if preview != "" {
		m.Fields = append(m.Fields, bot.Field{Label: t.T(TextCardMessage), Value: preview})
	}
	button := func(key TextKey, verb, style string) {
		m.Buttons = append(m.Buttons, bot.Button{
			Label:  t.T(key),
			Style:  style,
			Action: bot.Action{Kind: bot.ActionCommand, Value: signer.Sign(fmt.Sprintf("campaign %s %d", verb, c.ID))},
		})
	}
	switch c.State {
	case bot.CampaignDraft:
		button(TextButtonStart, "start", "primary")
		button(TextButtonTry, "try", "")
		button(TextButtonClone, "clone", "")
	case bot.CampaignScheduled:
		button(TextButtonCancel, "cancel", "danger")
		button(TextButtonTry, "try", "")
		button(TextButtonClone, "clone", "")
	case bot.CampaignRunning:
		button(TextButtonPause, "pause", "")
		button(TextButtonCancel, "cancel", "danger")
		button(TextButtonReport, "report", "")
	case bot.CampaignPaused:
		button(TextButtonResume, "resume", "primary")
		button(TextButtonCancel, "cancel", "danger")
		button(TextButtonReport, "report", "")
	default: // done, cancelled
		button(TextButtonReport, "report", "primary")
		button(TextButtonClone, "clone", "")
	}
	return m
}

// shortDuration writes d as people do: 2h, 90m, 1h30, 3d.
func shortDuration(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d > time.Hour && d%time.Minute == 0:
		return fmt.Sprintf("%dh%02d", d/time.Hour, (d%time.Hour)/time.Minute)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// frenchDays are the days' short names in French.
var frenchDays = [...]string{"dim", "lun", "mar", "mer", "jeu", "ven", "sam"}

// workingTime writes a schedule's working days, hours and zone, or "" when
// it sends at any time.
func workingTime(s bot.Schedule, l Locale) string {
	var parts []string
	if len(s.Days) > 0 {
		var days []string
		for _, d := range s.Days {
			if l == LocaleFrench {
				days = append(days, frenchDays[d])
			} else {
				days = append(days, d.String()[:3])
			}
		}
		parts = append(parts, strings.Join(days, ","))
	}
	if s.HoursFrom != s.HoursTo {
		parts = append(parts, fmt.Sprintf("%02d:%02d–%02d:%02d", s.HoursFrom/60, s.HoursFrom%60, s.HoursTo/60, s.HoursTo%60))
	}
	if len(s.Closed) > 0 {
		closed := "closed "
		if l == LocaleFrench {
			closed = "fermé "
		}
		parts = append(parts, closed+strings.Join(s.Closed, ","))
	}
	if len(parts) > 0 && s.TimeZone != "" {
		parts = append(parts, s.TimeZone)
	}
	return strings.Join(parts, " ")
}
