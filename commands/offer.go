package commands

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/lists"
)

// heldTTL is how long a file offered for import waits for its button.
const heldTTL = 30 * time.Minute

// maxHeld bounds the files held at once; the oldest goes first.
const maxHeld = 16

// heldFile is a recipient file a moderator sent with no import waiting,
// kept (by a random token, for heldTTL) until they press "Import".
type heldFile struct {
	owner bot.Address
	file  bot.File
}

// holdToken returns a random token for a held file.
func holdToken() string {
	b := make([]byte, 9)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// takeHeld returns the file held under token for owner, once, while its
// time is not up. A token that is someone else's is left for them.
func (h *handlers) takeHeld(token string, owner bot.Address) (bot.File, bool) {
	hf, found, live := h.held.Take(token)
	if found && live && hf.owner != owner {
		h.held.Put(token, hf, heldTTL)
		return bot.File{}, false
	}
	return hf.file, found && live
}

// listName suggests a list name from a file name: "Spring 2026.csv"
// gives "spring-2026".
func listName(file string) string {
	if i := strings.LastIndexByte(file, '.'); i > 0 {
		file = file[:i]
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(file) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '_':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" || lists.ValidateName(name) != nil {
		return "recipients"
	}
	return name
}

// offerImport checks a file sent with no import waiting and, when it is a
// recipient file, holds it and offers buttons to import it.
func (h *handlers) offerImport(ctx context.Context, w *Reply, r *Request) error {
	f := r.Files[0]
	rd, err := h.deps.OpenRecipients(bytes.NewReader(f.Data))
	if err != nil {
		return err
	}
	key := rd.KeyColumn()
	if c, ok := rd.(interface{ Close() error }); ok {
		c.Close()
	}
	token := holdToken()
	h.held.Put(token, heldFile{owner: r.Actor.Address, file: f}, heldTTL)
	name := listName(f.Name)
	m := bot.Message{Kind: bot.KindIdea}
	button := func(label TextKey, mode lists.Mode, style string) {
		m.Buttons = append(m.Buttons, bot.Button{Label: h.text.T(label, name), Style: style,
			Action: bot.Action{Kind: bot.ActionCommand, Value: h.signer.Sign(fmt.Sprintf("list import-held %s %s %s", token, name, mode))}})
	}
	_, _, err = h.deps.Lists.Show(ctx, name, 0)
	switch {
	case err == nil:
		m.Text = h.text.T(TextOfferExisting, fileName(r.Files), key, name)
		button(TextButtonMergeInto, lists.Merge, "primary")
		button(TextButtonReplace, lists.Replace, "danger")
	case bot.ErrorCode(err) == bot.ENOTFOUND:
		m.Text = h.text.T(TextOfferNew, fileName(r.Files), key, name)
		button(TextButtonImportAs, lists.Merge, "primary")
	default:
		return err
	}
	w.Messages = append(w.Messages, m)
	w.Private = true
	return nil
}

// listImportHeld imports a held file when its offer's button is pressed.
func (h *handlers) listImportHeld(ctx context.Context, w *Reply, r *Request) error {
	name := r.Args[1]
	if err := lists.ValidateName(name); err != nil {
		return err
	}
	mode, err := importMode(r.Args[1:])
	if err != nil {
		return err
	}
	f, ok := h.takeHeld(r.Args[0], r.Actor.Address)
	if !ok {
		return argError("%s", h.text.T(TextHeldGone))
	}
	return h.importFile(ctx, w, r.Actor, name, mode, f)
}
