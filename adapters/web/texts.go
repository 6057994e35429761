package web

import (
	"encoding/json"

	"github.com/heraldchat/herald/adapters/internal"
)

// pageTexts are the words of the participants' chat page, in each
// language herald speaks (config locale): what a participant reads.
var pageTexts = map[string]map[string]string{
	"en": {
		"lang": "en", "who": "Tell us who you are", "name": "Name", "email": "Email", "save": "Save",
		"code": "Code from the email", "confirm": "Confirm", "write": "Write a message…", "message": "Message",
		"attach": "Send a file (10 MB at most)", "attach_short": "Send a file", "send": "Send", "your_id": "Your id:",
		"offline":   "Offline: what you write is kept and sent when the connection is back.",
		"saved":     "Saved.",
		"code_sent": "Saved. We emailed a code to {email}: enter it to confirm the address.",
		"confirmed": "Your email is confirmed.",
	},
	"fr": {
		"lang": "fr", "who": "Dites-nous qui vous êtes", "name": "Nom", "email": "E-mail", "save": "Enregistrer",
		"code": "Code reçu par e-mail", "confirm": "Confirmer", "write": "Écrivez un message…", "message": "Message",
		"attach": "Envoyer un fichier (10 Mo au plus)", "attach_short": "Envoyer un fichier", "send": "Envoyer", "your_id": "Votre identifiant :",
		"offline":   "Hors ligne : ce que vous écrivez est gardé et envoyé au retour de la connexion.",
		"saved":     "Enregistré.",
		"code_sent": "Enregistré. Nous avons envoyé un code à {email} : saisissez-le pour confirmer l'adresse.",
		"confirmed": "Votre e-mail est confirmé.",
	},
}

// texts returns the chat page's words in the adapter's locale (English
// when it has none of its own).
func (a *Adapter) texts() map[string]string {
	if t, ok := pageTexts[a.cfg.Locale]; ok {
		return t
	}
	return pageTexts["en"]
}

// consoleFrench is the moderators' console and its login page in French,
// by their English text (the English is the page itself).
var consoleFrench = map[string]string{
	"herald console: log in": "console herald : connexion", "herald console": "console herald",
	"That token or name is not right. The token was printed in herald's log at its first start, or is set as web.console_token in the config; when moderators.console.users is set, the name must be one of them.": "Ce jeton ou ce nom ne convient pas. Le jeton a été affiché au premier démarrage de herald (herald console-token reset en fait un autre), ou il est fixé par web.console_token ; si moderators.console.users est défini, le nom doit en faire partie.",
	"Your name": "Votre nom", "moderator": "modérateur", "Console token": "Jeton de la console", "Log in": "Se connecter",
	"Log out": "Se déconnecter", "Log out everywhere": "Se déconnecter partout", "End this moderator's sessions in every browser": "Fermer les sessions de ce modérateur dans tous les navigateurs",
	"Conversations": "Conversations", "Campaigns": "Campagnes", "Lists": "Listes",
	"Search a name, an id, a tag": "Chercher un nom, un identifiant, une étiquette", "Search conversations": "Chercher dans les conversations",
	"Status": "Statut", "Every status": "Tous les statuts", "Open": "Ouverte", "Pending": "En attente", "Resolved": "Résolue",
	"Pending: waiting for the participant's answer; it opens again when they write": "En attente : on attend la réponse du participant ; elle se rouvre quand il écrit",
	"Tag": "Étiquette", "Any tag": "Toute étiquette",
	"No conversation yet: participants who write on the chat page appear here.": "Aucune conversation : les participants qui écrivent sur la page de discussion apparaissent ici.",
	"No conversation matches.": "Aucune conversation ne correspond.",
	"New campaign name":        "Nom de la nouvelle campagne", "Create": "Créer", "No campaign yet.": "Aucune campagne.",
	"No list yet: upload a CSV with “list import NAME”.": "Aucune liste : envoyez un CSV avec « list import NOM ».",
	"Choose a conversation":                              "Choisissez une conversation", "Details": "Détails",
	"Every action on this conversation, by people and recipes, in order":                                 "Chaque action sur cette conversation, par des personnes ou des recettes, dans l'ordre",
	"Reply to the participant · “note …” stays internal · “/close in 2h”, “/tag add …”, “/snippet NAME”": "Répondre au participant · « note … » reste interne · « /close in 2h », « /tag add … », « /snippet NOM »",
	"Reply": "Répondre", "Send a file to the participant": "Envoyer un fichier au participant", "Send a file": "Envoyer un fichier", "Send": "Envoyer",
	"Message": "Message", "Audience": "Audience", "Choose a list": "Choisissez une liste", "Platform": "Plateforme",
	"auto: where each person can be reached": "auto : là où chacun est joignable", "web chat": "discussion web", "email": "e-mail",
	"When a value is missing": "Quand une valeur manque", "skip those recipients, or a default: first_name=there": "écarter ces destinataires (skip), ou une valeur par défaut : first_name=vous",
	"Schedule": "Programmation", "empty: when started · at tomorrow 9:00 tz Europe/Paris window 2h": "vide : au démarrage · at demain 9h tz Europe/Paris window 2h",
	"Survey questions, one per line (a survey only)": "Questions de l'enquête, une par ligne (une enquête seulement)",
	"Thank-you message (a survey only)":              "Message de remerciement (une enquête seulement)", "Thanks, see you soon!": "Merci, à bientôt !",
	"Save": "Enregistrer", "Commands": "Commandes", "Command": "Commande", "Run": "Lancer", "Recipient file": "Fichier de destinataires",
	"Command for the file": "Commande pour le fichier", "Upload": "Envoyer le fichier",
	// The console's script.
	"new": "nouveau", "internal note": "note interne", "Participant": "Participant", "Assigned to": "Assignée à", "Tags": "Étiquettes",
	"Running": "En cours", "Paused": "En pause", "Scheduled": "Programmées", "Drafts": "Brouillons", "Done": "Terminées", "Cancelled": "Annulées",
	"done": "faits", "sent": "envoyés", "failed": "en échec", "skipped": "écartés", "to send": "à envoyer", "starts": "débute",
	"person": "personne", "people": "personnes", "key": "clé", "created": "créée", "updated": "modifiée", "by": "par",
	"Preview": "Aperçu", "Check": "Vérifier", "Report": "Rapport", "History": "Historique", "Stats": "Statistiques", "Export": "Exporter", "List": "Liste",
	"a minute": "par minute", "about": "environ", "left": "restantes", "less than a minute": "moins d'une minute",
	"Choose a CSV file first.": "Choisissez d'abord un fichier CSV.",
	// The console's answers.
	"log in from herald's own console page":                     "connectez-vous depuis la page de console de herald",
	"too many attempts: wait a minute":                          "trop d'essais : patientez une minute",
	"log in to the console first":                               "connectez-vous d'abord à la console",
	"this download has expired: run the command again":          "ce téléchargement a expiré : relancez la commande",
	"the file is too large (64 MB at most) or the upload broke": "le fichier est trop lourd (64 Mo au plus) ou l'envoi s'est interrompu",
}

// consoleText returns s in the adapter's locale (the console's words).
func (a *Adapter) consoleText(s string) string {
	return internal.Translate(a.cfg.Locale, consoleFrench, s)
}

// scriptTexts is the console's dictionary for its script, as JSON ({}
// in English).
func (a *Adapter) scriptTexts() string {
	if a.cfg.Locale != "fr" {
		return "{}"
	}
	b, _ := json.Marshal(consoleFrench)
	return string(b)
}

// lang is the pages' language code.
func (a *Adapter) lang() string {
	if _, ok := pageTexts[a.cfg.Locale]; ok {
		return a.cfg.Locale
	}
	return "en"
}

// chatFrench is what herald answers participants on the chat page, in
// French, by its English text.
var chatFrench = map[string]string{
	"Too many new visitors from your address: wait a minute, then open the chat again.": "Trop de nouveaux visiteurs depuis votre adresse : patientez une minute, puis rouvrez la discussion.",
	"name too long":                                                    "nom trop long",
	"that email address does not look right":                           "cette adresse e-mail ne semble pas correcte",
	"Too many tries: wait a moment, then enter the code again.":        "Trop d'essais : patientez un instant, puis saisissez le code à nouveau.",
	"Too many changes: wait a moment, then save again.":                "Trop de modifications : patientez un instant, puis enregistrez à nouveau.",
	"Too many open pages: close some, then reload.":                    "Trop de pages ouvertes : fermez-en, puis rechargez.",
	"You are sending files very fast: wait a moment, then send again.": "Vous envoyez des fichiers très vite : patientez un instant, puis renvoyez.",
	"herald is receiving other files: send yours again in a moment.":   "herald reçoit d'autres fichiers : renvoyez le vôtre dans un instant.",
	"That file is too large: send files of 10 MB at most.":             "Ce fichier est trop lourd : envoyez des fichiers de 10 Mo au plus.",
	"Choose a file first.":                                             "Choisissez d'abord un fichier.",
	"The upload broke: send the file again.":                           "L'envoi s'est interrompu : renvoyez le fichier.",
	"That file is empty.":                                              "Ce fichier est vide.",
	"That message is too long: keep it under 4,000 characters.":        "Ce message est trop long : restez sous 4 000 caractères.",
	"herald has no room for more files just now: write your message instead, and the moderators will ask for the file another way.": "herald n'a plus de place pour des fichiers pour l'instant : écrivez votre message, et les modérateurs demanderont le fichier autrement.",
	"Your file could not be saved: please send it again.":                                                                           "Votre fichier n'a pas pu être enregistré : renvoyez-le, s'il vous plaît.",
	"You are writing very fast: your message waits a moment, then goes.":                                                            "Vous écrivez très vite : votre message attend un instant, puis part.",
	"Your message could not be saved yet: it will be sent again.":                                                                   "Votre message n'a pas encore pu être enregistré : il sera renvoyé.",
	"there is no code to confirm: give your email again to get one":                                                                 "il n'y a pas de code à confirmer : redonnez votre e-mail pour en recevoir un",
	"that code has expired: give your email again to get a new one":                                                                 "ce code a expiré : redonnez votre e-mail pour en recevoir un nouveau",
	"that code is not right: check the last email we sent":                                                                          "ce code n'est pas le bon : vérifiez le dernier e-mail envoyé",
}

// say returns an answer to a participant in the chat page's language.
func (a *Adapter) say(english string) string {
	return internal.Translate(a.cfg.Locale, chatFrench, english)
}
