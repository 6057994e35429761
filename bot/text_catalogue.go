package bot

// The keys of user-facing text. Later capabilities add theirs here.
const (
	TextCampaignDraft     TextKey = "campaign.state.draft"
	TextCampaignScheduled TextKey = "campaign.state.scheduled"
	TextCampaignRunning   TextKey = "campaign.state.running"
	TextCampaignPaused    TextKey = "campaign.state.paused"
	TextCampaignDone      TextKey = "campaign.state.done"
	TextCampaignCancelled TextKey = "campaign.state.cancelled"

	TextSendingCounts TextKey = "sending.counts"

	TextErrConflict    TextKey = "error.conflict"
	TextErrForbidden   TextKey = "error.forbidden"
	TextErrInternal    TextKey = "error.internal"
	TextErrInvalid     TextKey = "error.invalid"
	TextErrNotFound    TextKey = "error.not_found"
	TextErrUnavailable TextKey = "error.unavailable"

	TextNotModerator TextKey = "auth.not_moderator"
)

// texts holds English then French for every key. Both must take the same
// arguments in the same order.
var texts = Catalogue{
	TextCampaignDraft:     {"draft", "brouillon"},
	TextCampaignScheduled: {"scheduled", "programmée"},
	TextCampaignRunning:   {"running", "en cours"},
	TextCampaignPaused:    {"paused", "en pause"},
	TextCampaignDone:      {"done", "terminée"},
	TextCampaignCancelled: {"cancelled", "annulée"},

	TextSendingCounts: {
		"%[1]d to send, %[2]d in flight, %[3]d sent, %[4]d failed, %[5]d skipped",
		"%[1]d à envoyer, %[2]d en cours, %[3]d envoyés, %[4]d en échec, %[5]d ignorés",
	},

	TextErrConflict:    {"That cannot be done now: %s", "Impossible pour le moment : %s"},
	TextErrForbidden:   {"You may not do that: %s", "Vous ne pouvez pas faire cela : %s"},
	TextErrInternal:    {"Something went wrong on herald's side; the operator will find it in the logs.", "Un problème est survenu du côté de herald ; l'opérateur le trouvera dans les journaux."},
	TextErrInvalid:     {"%s", "%s"},
	TextErrNotFound:    {"Not found: %s", "Introuvable : %s"},
	TextErrUnavailable: {"Not available right now, try again in a moment: %s", "Indisponible pour le moment, réessayez dans un instant : %s"},

	TextNotModerator: {
		"Sorry, only moderators can use herald commands. Ask a herald operator to add you.",
		"Désolé, seuls les modérateurs peuvent utiliser les commandes herald. Demandez à un opérateur herald de vous ajouter.",
	},
}

// CampaignStateText returns the key naming state s.
func CampaignStateText(s CampaignState) TextKey { return TextKey("campaign.state." + string(s)) }

// ErrorText returns err as a sentence for a moderator in the catalogue's
// locale: the message of a herald *Error framed by its code, or a generic
// sentence that hides internal details.
func (t *Text) ErrorText(err error) string {
	switch ErrorCode(err) {
	case "":
		return ""
	case ECONFLICT:
		return t.T(TextErrConflict, ErrorMessage(err))
	case EFORBIDDEN:
		return t.T(TextErrForbidden, ErrorMessage(err))
	case EINVALID:
		return t.T(TextErrInvalid, ErrorMessage(err))
	case ENOTFOUND:
		return t.T(TextErrNotFound, ErrorMessage(err))
	case EUNAVAILABLE:
		return t.T(TextErrUnavailable, ErrorMessage(err))
	default:
		return t.T(TextErrInternal)
	}
}
