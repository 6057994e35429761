// Package contacts keeps the contact directory: Service records every
// person herald meets on each platform and what it knows of reaching them,
// over bot.ContactStore.
package contacts
