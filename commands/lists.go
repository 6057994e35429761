package commands

import (
	"bytes"
	"context"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/expiring"
	"github.com/heraldchat/herald/bot/lists"
)

// pendingTTL is how long "list import NAME" waits for the file.
const pendingTTL = 10 * time.Minute

// pendingImport is a list import waiting for its file (kept per moderator
// for pendingTTL).
type pendingImport struct {
	list string
	mode lists.Mode
}

// maxShown bounds the invalid rows a reply lists; the rest are counted.
const maxShown = 10

// handlers holds what the command handlers share.
type handlers struct {
	deps    Deps
	text    *Text
	signer  *Signer
	pending *expiring.Map[bot.Address, pendingImport]
	held    *expiring.Map[string, heldFile] // by token
}

func (h *handlers) lists(ctx context.Context, w *Reply, r *Request) error {
	ls, err := h.deps.Lists.Lists(ctx)
	if err != nil {
		return err
	}
	if len(ls) == 0 {
		w.Text(bot.KindMessage, h.text.T(TextNoLists))
		return nil
	}
	var lines []string
	for _, l := range ls {
		lines = append(lines, "• "+h.text.T(TextListLine, l.Name, l.Size, l.KeyColumn))
	}
	w.Say(bot.Message{Kind: bot.KindMessage, Title: h.text.T(TextListsTitle), Text: strings.Join(lines, "\n")})
	return nil
}

func importMode(args []string) (lists.Mode, error) {
	if len(args) < 2 {
		return lists.Merge, nil
	}
	switch m := lists.Mode(strings.ToLower(args[1])); m {
	case lists.Merge, lists.Replace:
		return m, nil
	}
	return "", argErrorT(TextErrImportMode, args[1])
}

func (h *handlers) listImport(ctx context.Context, w *Reply, r *Request) error {
	name := r.Args[0]
	if err := lists.ValidateName(name); err != nil {
		return err
	}
	mode, err := importMode(r.Args)
	if err != nil {
		return err
	}
	if len(r.Files) == 0 {
		h.pending.Put(r.Actor.Address, pendingImport{list: name, mode: mode}, pendingTTL)
		w.Text(bot.KindIdea, h.text.T(TextImportWaiting, name, mode))
		return nil
	}
	return h.importFile(ctx, w, r.Actor, name, mode, r.Files[0])
}

func (h *handlers) importFile(ctx context.Context, w *Reply, by bot.Actor, name string, mode lists.Mode, f bot.File) error {
	rd, err := h.deps.OpenRecipients(bytes.NewReader(f.Data))
	if err != nil {
		return err
	}
	res, err := h.deps.Lists.Import(ctx, name, rd, mode, by)
	if err != nil {
		return err
	}
	kind := bot.KindSuccess
	text := h.text.T(TextImported, res.List.Name, res.Added, res.Updated, res.List.Size, res.List.Name)
	if res.Invalid > 0 {
		kind = bot.KindImportant
		text += "\n" + h.text.T(TextImportInvalid, res.Invalid) + "\n" + h.invalidLines(res.Errors, res.Invalid)
	}
	if res.EventsError != "" {
		kind = bot.KindImportant
		text += "\n" + h.text.T(TextImportEventsFailed, res.EventsError)
	}
	w.Text(kind, text)
	return nil
}

func (h *handlers) invalidLines(errs []lists.LineError, total int) string {
	var lines []string
	for i, e := range errs {
		if i == maxShown {
			lines = append(lines, h.text.T(TextMoreInvalid, total-maxShown))
			break
		}
		lines = append(lines, "• "+h.text.T(TextInvalidLine, e.Line, h.text.Reason(e.Reason, e.Key, e.Args)))
	}
	return strings.Join(lines, "\n")
}

// ServeFile handles a file a moderator uploaded without a command: it goes
// into the list a recent "list import NAME" waits for. Otherwise, when it
// is a recipient file, it is held for half an hour and the reply offers
// buttons to import it (into a list named after the file); when it is not,
// the reply says why.
func (m *Mux) ServeFile(ctx context.Context, a bot.Actor, f bot.File) *Reply {
	return m.Serve(ctx, &Request{Actor: a, Text: "list import-file", Files: []bot.File{f}})
}

func (h *handlers) listImportFile(ctx context.Context, w *Reply, r *Request) error {
	pi, _, ok := h.pending.Take(r.Actor.Address)
	if !ok && len(r.Files) > 0 {
		return h.offerImport(ctx, w, r)
	}
	if !ok || len(r.Files) == 0 {
		return argErrorT(TextErrNoImport, fileName(r.Files))
	}
	return h.importFile(ctx, w, r.Actor, pi.list, pi.mode, r.Files[0])
}

func fileName(fs []bot.File) string {
	if len(fs) == 0 || fs[0].Name == "" {
		return "a file"
	}
	return fs[0].Name
}

func (h *handlers) listShow(ctx context.Context, w *Reply, r *Request) error {
	l, sample, err := h.deps.Lists.Show(ctx, r.Args[0], 5)
	if err != nil {
		return err
	}
	cols := strings.Join(l.Columns, ", ")
	if cols == "" {
		cols = "—"
	}
	text := h.text.T(TextListShow, l.Name, l.Size, l.KeyColumn, cols)
	if len(sample) > 0 {
		var rows []string
		for _, rc := range sample {
			vals := []string{rc.Key}
			for _, c := range l.Columns {
				vals = append(vals, rc.Attributes[c])
			}
			rows = append(rows, strings.Join(vals, " | "))
		}
		text += "\n" + h.text.T(TextListSample) + "\n```\n" + strings.Join(rows, "\n") + "\n```"
	}
	w.Text(bot.KindMessage, text)
	return nil
}

func (h *handlers) listExport(ctx context.Context, w *Reply, r *Request) error {
	data, err := h.deps.table(func(rows bot.RowWriter) error { return h.deps.Lists.Export(ctx, r.Args[0], rows) })
	if err != nil {
		return err
	}
	w.Say(bot.Message{Kind: bot.KindMessage, Text: h.text.T(TextListExported, r.Args[0]),
		Files: []bot.File{{Name: r.Args[0] + ".csv", ContentType: "text/csv", Size: int64(len(data)), Data: data}}})
	return nil
}

func (h *handlers) listDelete(ctx context.Context, w *Reply, r *Request) error {
	if err := h.deps.Lists.Delete(ctx, r.Args[0]); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextListDeleted, r.Args[0]))
	return nil
}
