// Package schedule computes when a campaign's recipients are tried, from
// the campaign's bot.Schedule: the planned time of each recipient spread
// over the delivery window (PlannedAt), the retry ladder (Attempts,
// AttemptAt), working days and hours in the schedule's time zone
// (Location), and the check of a schedule a moderator gives (Validate).
package schedule
