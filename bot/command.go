package bot

// CommandReply is the command language's answer, in neutral messages the
// surface renders. Private asks for an answer only the moderator sees.
type CommandReply struct {
	Messages []Message
	Private  bool
	// Created is the campaign the command created, for surfaces that go
	// on with it (a form that sets the message and audience next).
	Created CampaignID
	// Recipe is the recipe the command created, for the recipe form.
	Recipe RecipeID
}
