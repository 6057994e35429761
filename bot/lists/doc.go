// Package lists imports, shows, exports and deletes recipient lists:
// Service streams a RecipientReader into bot.ListStore in group
// commits, through a hidden staging list when the import replaces one.
package lists
