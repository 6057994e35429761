package internal

// formFrench is what the platforms' forms (Slack's modals, Discord's)
// say, in French, by their English text.
var formFrench = map[string]string{
	"Cancel": "Annuler", "New campaign": "Nouvelle campagne", "Create draft": "Créer le brouillon",
	"Name": "Nom", "Moderators see it; recipients do not.": "Les modérateurs le voient ; les destinataires non.",
	"Kind": "Genre", "Title": "Titre", "Cards and notices show it above the text.": "Les cartes et les avis l'affichent au-dessus du texte.",
	"Message": "Message", "{{first_name}} and any column of the file are replaced per recipient.": "{{first_name}} et toute colonne du fichier sont remplacés pour chaque destinataire.",
	"Audience: a saved list": "Audience : une liste enregistrée", "Or upload a file below. The preview uses its first recipient.": "Ou envoyez un fichier ci-dessous. L'aperçu utilise son premier destinataire.",
	"Audience: a CSV file": "Audience : un fichier CSV", "An email, respondentID or slack_id column, and any others.": "Une colonne email, respondentID ou slack_id, et toutes les autres.",
	"Platform": "Plateforme", "auto: where each recipient is reachable.": "auto : là où chaque destinataire est joignable.",
	"Start": "Début", "tomorrow 9:00, 2026-12-01 14:30 … Empty: when you press Start.": "demain 9h, 2026-12-01 14:30 … Vide : quand vous appuyez sur Démarrer.",
	"Sending window": "Fenêtre d'envoi", "How long sending may take, e.g. 2h.": "Combien de temps l'envoi peut durer, par exemple 2h.",
	"Working hours": "Heures ouvrées", "e.g. mon-fri 9-18": "par exemple mon-fri 9-18", "Time zone": "Fuseau horaire", "e.g. Europe/Paris": "par exemple Europe/Paris",
	"Import a list": "Importer une liste", "Import": "Importer", "List name": "Nom de la liste", "Letters, digits, - or _.": "Lettres, chiffres, - ou _.",
	"If the list exists": "Si la liste existe", "merge updates and adds; replace makes it exactly the file.": "merge met à jour et ajoute ; replace la rend identique au fichier.",
	"CSV file": "Fichier CSV", "Schedule": "Programmation", "Campaigns, lists and participant threads": "Campagnes, listes et fils des participants",
	"Done.": "Fait.", "Send": "Envoyer",
	"New nudge": "Nouvelle relance", "Create, off": "Créer, désactivée", "When": "Quand",
	"The event, the delay, then unless, until, once or each time.": "L'événement, le délai, puis sauf, jusqu'à, une fois ou à chaque fois.",
	"{{first_name}} reads the contact, {{event.x}} the event.":     "{{first_name}} lit le contact, {{event.x}} l'événement.",
	"New recipe": "Nouvelle recette", "If": "Si", "Do": "Faire", "Hours": "Heures",
	"new conversation, new message, status pending, tag added vip, event NAME": "nouvelle conversation, nouveau message, statut en_attente, étiquette ajoutée vip, événement NOM",
	"all, filter NAME, or message contains \"refund\" and platform is slack":   "tout, filtre NOM, ou message contient \"remboursement\" et plateforme est slack",
	"Actions in order, separated by ;":                                         "Les actions dans l'ordre, séparées par ;",
	"always, during CALENDAR or outside CALENDAR":                              "toujours, pendant CALENDRIER ou hors CALENDRIER",
	"New survey": "Nouvelle enquête", "Introduction": "Introduction", "Questions, one per line": "Questions, une par ligne",
	"Thank-you message": "Message de remerciement", "Sent after the last answer.": "Envoyé après la dernière réponse.",
	"Sent with the first question; {{first_name}} and any column are replaced.":                     "Envoyée avec la première question ; {{first_name}} et toute colonne sont remplacés.",
	"choice, multi, rating, nps or text; the question in quotes; choices separated by |; optional.": "choix, multiple, note, nps ou texte ; la question entre guillemets ; les choix séparés par | ; facultative.",
	"Or upload a file below.": "Ou envoyez un fichier ci-dessous.",
}

// FormText returns a form's text in locale ("fr": French), by its English.
func FormText(locale, english string) string { return Translate(locale, formFrench, english) }

// Translate returns english in locale from french (a table by English
// text): the French when locale is "fr" and the table has it, else the
// English.
func Translate(locale string, french map[string]string, english string) string {
	if locale == "fr" {
		if fr, ok := french[english]; ok {
			return fr
		}
	}
	return english
}
