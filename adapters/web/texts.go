package web

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
