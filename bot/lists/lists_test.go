package lists_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/events"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/csvfile"
)

// These tests drive lists.Service over the real bbolt store and the real
// file reader: the path a moderator's upload takes.

var (
	svcEpoch = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	listMod  = bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"}, Name: "Mo"}
)

func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := bot.ErrorCode(err); got != want {
		t.Fatalf("error %v has code %q, want %q", err, got, want)
	}
}

func mustReader(t *testing.T, data string) *csvfile.Reader {
	t.Helper()
	r, err := csvfile.NewReader(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func contents(t *testing.T, svc *lists.Service, name string) []string {
	t.Helper()
	var buf bytes.Buffer
	w := csvfile.NewWriter(&buf)
	if err := svc.Export(context.Background(), name, w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(strings.TrimPrefix(buf.String(), "\uFEFF"), "\r\n"), "\r\n")
}

func TestImportNewListThenMergeThenReplace(t *testing.T) {
	ctx := context.Background()
	db := bottest.NewStore(bottest.NewClock(svcEpoch))
	svc := &lists.Service{Store: db, Batch: 2}

	res, err := svc.Import(ctx, "spring", mustReader(t, "email,first_name\nana@example.org,Ana\nbad,X\nbob@example.org,Bob\nANA@example.org,Dup\ncleo@example.org,Cleo\n"), lists.Merge, listMod)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 5 || res.Added != 3 || res.Updated != 0 || res.Invalid != 2 || len(res.Errors) != 2 || res.Errors[1].Line != 5 ||
		res.List.Size != 3 || res.List.KeyColumn != "email" || res.List.Name != "spring" || res.List.CreatedBy != listMod {
		t.Fatalf("first import: %+v %+v", res, res.List)
	}
	if got := contents(t, svc, "spring"); !reflect.DeepEqual(got, []string{"email,first_name", "ana@example.org,Ana", "bob@example.org,Bob", "cleo@example.org,Cleo"}) {
		t.Fatalf("after import: %q", got)
	}

	// Merge: Ana (other case) is updated, Dan appended, Bob and Cleo kept;
	// the new column joins the list.
	res, err = svc.Import(ctx, "spring", mustReader(t, "E-mail;first_name;city\nANA@EXAMPLE.ORG;Anna;Lyon\ndan@example.org;Dan;Nice\n"), lists.Merge, listMod)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 1 || res.Updated != 1 || res.List.Size != 4 {
		t.Fatalf("merge: %+v", res)
	}
	want := []string{"email,first_name,city", "ANA@EXAMPLE.ORG,Anna,Lyon", "bob@example.org,Bob,", "cleo@example.org,Cleo,", "dan@example.org,Dan,Nice"}
	if got := contents(t, svc, "spring"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after merge: %q", got)
	}

	// Replace: exactly the new file.
	res, err = svc.Import(ctx, "spring", mustReader(t, "email,team\nzoe@example.org,red\n"), lists.Replace, listMod)
	if err != nil || res.List.Size != 1 {
		t.Fatalf("replace: %+v %v", res, err)
	}
	if got := contents(t, svc, "spring"); !reflect.DeepEqual(got, []string{"email,team", "zoe@example.org,red"}) {
		t.Fatalf("after replace: %q", got)
	}
	all, _ := db.Lists(ctx)
	if len(all) != 1 {
		t.Fatalf("staging lists left behind: %+v", all)
	}

	_, err = svc.Import(ctx, "spring", mustReader(t, "slack_id\nU1\n"), lists.Merge, listMod)
	wantCode(t, err, bot.EINVALID)
	_, err = svc.Import(ctx, "~sneaky", mustReader(t, "email\na@b.org\n"), lists.Merge, listMod)
	wantCode(t, err, bot.EINVALID)
}

// brokenReader yields n good rows, then fails like a dropped upload.
type brokenReader struct{ n, i int }

func (b *brokenReader) KeyColumn() string { return "email" }
func (b *brokenReader) Columns() []string { return nil }
func (b *brokenReader) ReadRecipient() (lists.RecipientRow, error) {
	if b.i == b.n {
		return lists.RecipientRow{}, bot.Errorf(bot.EUNAVAILABLE, "the upload was cut")
	}
	b.i++
	return lists.RecipientRow{Line: b.i + 1, Recipient: bot.Recipient{Key: strings.Repeat("x", b.i) + "@example.org"}}, nil
}

func TestFailedImportLosesNothing(t *testing.T) {
	ctx := context.Background()
	db := bottest.NewStore(bottest.NewClock(svcEpoch))
	svc := &lists.Service{Store: db, Batch: 3}
	if _, err := svc.Import(ctx, "team", mustReader(t, "email\nkeep@example.org\n"), lists.Replace, listMod); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Import(ctx, "team", &brokenReader{n: 7}, lists.Replace, listMod)
	wantCode(t, err, bot.EUNAVAILABLE)
	if got := contents(t, svc, "team"); !reflect.DeepEqual(got, []string{"email", "keep@example.org"}) {
		t.Fatalf("a failed replace changed the list: %q", got)
	}
	if all, _ := db.Lists(ctx); len(all) != 1 {
		t.Fatalf("a failed replace left its staging list: %+v", all)
	}

	_, err = svc.Import(ctx, "team", &brokenReader{n: 7}, lists.Merge, listMod)
	if bot.ErrorCode(err) != bot.EUNAVAILABLE || !strings.Contains(err.Error(), "stopped near line 8 (6 rows merged before)") {
		t.Fatalf("failed merge: %v", err)
	}
	if l, _ := db.List(ctx, "team"); l.Size != 7 {
		t.Fatalf("after a failed merge the list has %d rows: the committed batches (6) plus the original", l.Size)
	}
}

func TestImportedListRoundTripsThroughExport(t *testing.T) {
	ctx := context.Background()
	db := bottest.NewStore(bottest.NewClock(svcEpoch))
	svc := &lists.Service{Store: db}
	file := "\xEF\xBB\xBFemail;Prénom;note\r\nana@example.org;Anaïs;\"a; b \"\"c\"\"\"\r\nbob@example.org;;multi\nline\r\n"
	if _, err := svc.Import(ctx, "fr", mustReader(t, strings.Replace(file, "multi\nline", "\"multi\nline\"", 1)), lists.Merge, listMod); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csvfile.NewWriter(&buf)
	if err := svc.Export(ctx, "fr", w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	back := mustReader(t, buf.String())
	if back.Info().Encoding != csvfile.UTF8BOM || back.KeyColumn() != "email" || !reflect.DeepEqual(back.Columns(), []string{"Prénom", "note"}) {
		t.Fatalf("export reads back as %+v", back.Info())
	}
	var got []bot.Recipient
	for {
		row, err := back.ReadRecipient()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || row.Invalid != "" {
			t.Fatalf("row %+v, %v", row, err)
		}
		got = append(got, row.Recipient)
	}
	want := []bot.Recipient{
		{Key: "ana@example.org", Attributes: map[string]string{"Prénom": "Anaïs", "note": "a; b \"c\""}},
		{Key: "bob@example.org", Attributes: map[string]string{"note": "multi\nline"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n%+v\nwant\n%+v", got, want)
	}

	l, sample, err := svc.Show(ctx, "fr", 1)
	if err != nil || l.Size != 2 || len(sample) != 1 || sample[0].Key != "ana@example.org" {
		t.Fatalf("show: %+v %+v %v", l, sample, err)
	}
	if err := svc.Delete(ctx, "fr"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, svc.Export(ctx, "fr", &bottest.Rows{}), bot.ENOTFOUND)
}

func TestCleanStaging(t *testing.T) {
	ctx := context.Background()
	db := bottest.NewStore(bottest.NewClock(svcEpoch))
	svc := &lists.Service{Store: db}
	db.CreateList(ctx, &bot.List{Name: "~import-x-1", KeyColumn: "email"})
	db.CreateList(ctx, &bot.List{Name: "kept", KeyColumn: "email"})
	if visible, _ := svc.Lists(ctx); len(visible) != 1 || visible[0].Name != "kept" {
		t.Fatalf("visible lists: %+v", visible)
	}
	if n, err := svc.CleanStaging(ctx); err != nil || n != 1 {
		t.Fatalf("clean: %d, %v", n, err)
	}
	if all, _ := db.Lists(ctx); len(all) != 1 {
		t.Fatalf("after clean: %+v", all)
	}
}

func TestPreviewWithTheFirstRecipient(t *testing.T) {
	ctx := context.Background()
	db := bottest.NewStore(bottest.NewClock(svcEpoch))
	svc := &lists.Service{Store: db}
	if _, err := svc.Import(ctx, "spring", mustReader(t, "email,first_name\nana@example.org,Ana\nbob@example.org,Bob\n"), lists.Merge, listMod); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	m, err := svc.Preview(ctx, "spring", bot.Message{Text: "Hello {{first_name}}!"}, at)
	if err != nil || m.Text != "Hello Ana!" {
		t.Fatalf("preview: %q, %v", m.Text, err)
	}
	if _, err := svc.Preview(ctx, "", bot.Message{Text: "Hello {{first_name}}!"}, at); err == nil || !strings.Contains(err.Error(), "first_name") {
		t.Fatalf("with no list: %v", err)
	}
	if _, err := svc.Preview(ctx, "autumn", bot.Message{Text: "Hi"}, at); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("a list that does not exist: %v", err)
	}
}

// TestExportNeutralisesFormulasAndImportsBack: cells a spreadsheet would
// run are written with a guard, and herald's importer removes it, so a
// list goes out and back unchanged (+33 phone numbers included).
func TestExportNeutralisesFormulasAndImportsBack(t *testing.T) {
	ctx := context.Background()
	svc := &lists.Service{Store: bottest.NewStore(bottest.NewClock(svcEpoch))}
	attack := map[string]string{
		"phone": "+33 6 12 34 56 78", "link": `=HYPERLINK("http://evil.example","x")`,
		"dde": "=cmd|' /C calc'!A0", "sum": "@SUM(1+1)", "minus": "-2+3", "plain": "'quoted' text",
	}
	cols := []string{"phone", "link", "dde", "sum", "minus", "plain"}
	file := "email," + strings.Join(cols, ",") + "\n" + "ana@example.org"
	for _, c := range cols {
		file += `,"` + strings.ReplaceAll(attack[c], `"`, `""`) + `"`
	}
	if _, err := svc.Import(ctx, "x", mustReader(t, file+"\n"), lists.Merge, listMod); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csvfile.NewWriter(&buf)
	if err := svc.Export(ctx, "x", w); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	for _, bad := range []string{",=HYPERLINK", ",\"=HYPERLINK", ",=cmd", ",\"=cmd", ",@SUM", ",+33", ",-2"} {
		if strings.Contains(buf.String(), bad) {
			t.Errorf("export has a cell a spreadsheet would run (%s):\n%s", bad, buf.String())
		}
	}
	back := mustReader(t, buf.String())
	row, err := back.ReadRecipient()
	if err != nil || row.Invalid != "" {
		t.Fatalf("reading the export back: %+v %v", row, err)
	}
	if !reflect.DeepEqual(row.Recipient.Attributes, attack) {
		t.Fatalf("round trip changed the values:\n got %q\nwant %q", row.Recipient.Attributes, attack)
	}
}

// TestAFileOfBrokenRowsChangesNothing: a file whose rows are all invalid
// creates no list, and does not empty one; the refusal says why, line by
// line.
func TestAFileOfBrokenRowsChangesNothing(t *testing.T) {
	ctx := context.Background()
	db := bottest.NewStore(bottest.NewClock(svcEpoch))
	svc := &lists.Service{Store: db}
	_, err := svc.Import(ctx, "new", mustReader(t, "email,first_name\nnot-an-email,Ana\n"), lists.Merge, listMod)
	wantCode(t, err, bot.EINVALID)
	if !strings.Contains(err.Error(), "none of the file's 1 rows is valid, so no list was created. line 2: \"not-an-email\" is not a valid email address") {
		t.Fatalf("refusal: %v", err)
	}
	if all, _ := db.Lists(ctx); len(all) != 0 {
		t.Fatalf("a file of broken rows left lists: %+v", all)
	}
	if _, err := svc.Import(ctx, "team", mustReader(t, "email\nkeep@example.org\n"), lists.Replace, listMod); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Import(ctx, "team", mustReader(t, "email\nx\ny\nz\nw\n"), lists.Replace, listMod)
	if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), "list team is unchanged") || !strings.Contains(err.Error(), "and 1 more") {
		t.Fatalf("replace with broken rows: %v", err)
	}
	_, err = svc.Import(ctx, "team", mustReader(t, "email\n"), lists.Replace, listMod)
	if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), "no rows") {
		t.Fatalf("replace with no rows: %v", err)
	}
	if got := contents(t, svc, "team"); !reflect.DeepEqual(got, []string{"email", "keep@example.org"}) {
		t.Fatalf("the list changed: %q", got)
	}
	if all, _ := db.Lists(ctx); len(all) != 1 {
		t.Fatalf("staging lists left: %+v", all)
	}
}

// TestImportGivesKnownContactsTheirEvent: a list's event columns become
// the event of the contacts herald knows; unknown ones are left alone.
func TestImportGivesKnownContactsTheirEvent(t *testing.T) {
	ctx := context.Background()
	db := bottest.NewStore(bottest.NewClock(svcEpoch))
	ana := &bot.Contact{Email: "ana@example.org", Addresses: []bot.ContactAddress{{Address: bot.Address{Platform: bot.PlatformTelegram, ID: "42"}}}}
	if err := db.CreateContact(ctx, ana); err != nil {
		t.Fatal(err)
	}
	svc := &lists.Service{Store: db, Contacts: db}
	file := "email,event,event_start\nana@example.org,Spring webinar,2026-12-02 10:00\nbob@example.org,Spring webinar,2026-12-02 10:00\n"
	if _, err := svc.Import(ctx, "spring", mustReader(t, file), lists.Merge, listMod); err != nil {
		t.Fatal(err)
	}
	got, _ := db.ContactByEmail(ctx, "ana@example.org")
	if got.Attributes[events.Attr] != "Spring webinar" || got.Attributes[events.AttrStart] != "2026-12-02 10:00" {
		t.Fatalf("Ana's attributes: %v", got.Attributes)
	}
	if _, err := db.ContactByEmail(ctx, "bob@example.org"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("an unknown contact was made: %v", err)
	}
	// A later list names another event with no end: the old event's end
	// does not stay (it decides when replies go by email).
	db.UpdateContact(ctx, got.ID, func(c *bot.Contact) error { c.Attributes[events.AttrEnd] = "2026-12-02 12:00"; return nil })
	if _, err := svc.Import(ctx, "autumn", mustReader(t, "email,event\nana@example.org,Autumn school\n"), lists.Merge, listMod); err != nil {
		t.Fatal(err)
	}
	got, _ = db.ContactByEmail(ctx, "ana@example.org")
	if got.Attributes[events.Attr] != "Autumn school" || got.Attributes[events.AttrEnd] != "" || got.Attributes[events.AttrStart] != "" {
		t.Fatalf("after another event: %v", got.Attributes)
	}
}
