// Package nudges holds what a nudge (a campaign with a bot.Nudge) means,
// apart from where it is stored and who sends it: which events trigger it
// (Triggers), when a firing is due (Due: delays in each unit, "N days at
// HH:MM" and "next Monday at 9:00" in the contact's time zone, pushed into
// working hours), the sending it makes for a contact (Firing), whether a
// blocking or ending event stops it before it goes (Stopped), and its
// completion event (Completion). The engine runs nudges with these.
package nudges
