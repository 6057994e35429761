// Package personalize fills the placeholders of a message with one
// recipient's values: Message (or Compile, then Personalize, for many
// recipients), Vars for the values, Attrs for what a message reads, and
// Missing for what a recipient lacks before a campaign starts.
//
// Personalisation reads the placeholders people bring from other tools:
// {{first_name}}, [FIRSTNAME] and %userfirstname% all read the attribute
// first_name. Names are compared case-insensitively and without spaces,
// dashes or underscores, so {{City}}, [CITY] and %city% read the column
// "city". A [label](https://link) in text is a link, not a placeholder.
package personalize
