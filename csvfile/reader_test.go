package csvfile_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/csvfile"
)

var update = flag.Bool("update", false, "rewrite the fuzz seed corpus in testdata/")

// got is what a file reads as: its info, and each row as "line key [values] reason".
type got struct {
	info csvfile.Info
	rows []string
}

func read(t testing.TB, data []byte) (got, error) {
	t.Helper()
	r, err := csvfile.NewReader(bytes.NewReader(data))
	if err != nil {
		return got{}, err
	}
	g := got{info: r.Info()}
	for {
		row, err := r.Next()
		if err == io.EOF {
			return g, nil
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		s := fmt.Sprintf("%d %s %v", row.Line, row.Key, row.Values)
		if row.Invalid != "" {
			s += " ! " + row.Invalid
		}
		g.rows = append(g.rows, s)
	}
}

func utf16le(s string) []byte {
	b, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	return b
}

func utf16be(s string) []byte {
	b, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	return b
}

func cp1252(s string) []byte {
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

// readable are files that read, with what they must read as.
var readable = []struct {
	name  string
	data  []byte
	key   string
	attrs []string
	delim rune
	enc   csvfile.Encoding
	rows  []string
}{
	{"comma-lf", []byte("email,first_name,last_name\nana@example.org,Ana,Lima\nbob@example.org,Bob,Stone\n"),
		"email", []string{"first_name", "last_name"}, ',', csvfile.UTF8,
		[]string{"2 ana@example.org [Ana Lima]", "3 bob@example.org [Bob Stone]"}},
	{"excel-fr-bom-semicolon-crlf", []byte("\xEF\xBB\xBFCourriel;Prénom;Ville\r\nana@example.org;Anaïs;Lyon\r\nbob@example.org;Bob;Saint-Étienne\r\n"),
		"email", []string{"Prénom", "Ville"}, ';', csvfile.UTF8BOM,
		[]string{"2 ana@example.org [Anaïs Lyon]", "3 bob@example.org [Bob Saint-Étienne]"}},
	{"utf16le-tab", utf16le("E-mail\tfirst_name\r\nana@example.org\tAnaïs\r\n"),
		"email", []string{"first_name"}, '\t', csvfile.UTF16LE,
		[]string{"2 ana@example.org [Anaïs]"}},
	{"utf16be-comma", utf16be("respondentID,group\nQ2hhdEJvdEFuYS0xMjM0NQ,A\n2002,B\n"),
		"respondentID", []string{"group"}, ',', csvfile.UTF16BE,
		[]string{"2 Q2hhdEJvdEFuYS0xMjM0NQ [A]", "3 2002 [B]"}},
	{"windows1252-semicolon", cp1252("mail;prénom;société\r\nzoe@example.org;Zoé;Café Œuvre\r\n"),
		"email", []string{"prénom", "société"}, ';', csvfile.Windows1252,
		[]string{"2 zoe@example.org [Zoé Café Œuvre]"}},
	{"cr-only", []byte("email,city\rana@example.org,Lyon\rbob@example.org,Nice\r"),
		"email", []string{"city"}, ',', csvfile.UTF8,
		[]string{"2 ana@example.org [Lyon]", "3 bob@example.org [Nice]"}},
	{"pipe", []byte("slack_id|team\nU01|red\nU02|blue\n"),
		"slack_id", []string{"team"}, '|', csvfile.UTF8,
		[]string{"2 U01 [red]", "3 U02 [blue]"}},
	{"quoted", []byte("email,note,city\nana@example.org,\"Hello, \"\"world\"\"\nsecond line\",Lyon\nbob@example.org,plain,Nice\n"),
		"email", []string{"note", "city"}, ',', csvfile.UTF8,
		[]string{"2 ana@example.org [Hello, \"world\"\nsecond line Lyon]", "4 bob@example.org [plain Nice]"}},
	{"header-trimmed-and-aliases", []byte("  ID , Team ,\n 7 , a \n"),
		"respondentID", []string{"Team"}, ',', csvfile.UTF8,
		[]string{"2 7 [a]"}},
	{"email-preferred-over-id", []byte("id,Email Address,name\n1,ana@example.org,Ana\n"),
		"email", []string{"id", "name"}, ',', csvfile.UTF8,
		[]string{"2 ana@example.org [1 Ana]"}},
	{"blank-records-skipped", []byte("email,name\n\n,\n  ,  \nana@example.org,Ana\n\n"),
		"email", []string{"name"}, ',', csvfile.UTF8,
		[]string{"5 ana@example.org [Ana]"}},
	{"empty-header-cell", []byte("email,,city\nana@example.org,x,Lyon\n"),
		"email", []string{"column_2", "city"}, ',', csvfile.UTF8,
		[]string{"2 ana@example.org [x Lyon]"}},
	{"invalid-rows", []byte(strings.Join([]string{
		"email,first_name,city",
		"ana@example.org,Ana,Lyon",
		",Nobody,Paris",
		"not-an-address,Bad,Nice",
		"Ana <ana@example.org>,Named,Nice",
		"ANA@example.org,Again,Lyon",
		"bob@example.org,Bob,Lyon,extra",
		"cleo@example.org,Cleo",
		"dan@example.org,Dan,Metz,,",
	}, "\n") + "\n"),
		"email", []string{"first_name", "city"}, ',', csvfile.UTF8,
		[]string{
			"2 ana@example.org [Ana Lyon]",
			"3  [Nobody Paris] ! the key column email is empty",
			"4 not-an-address [Bad Nice] ! \"not-an-address\" is not a valid email address",
			"5 Ana <ana@example.org> [Named Nice] ! \"Ana <ana@example.org>\" is not a valid email address",
			"6 ANA@example.org [Again Lyon] ! ANA@example.org repeats the email of line 2",
			"7 bob@example.org [Bob Lyon] ! this row has a value in column 4 but the header names only 3 columns: quote values that contain ',', or add a column name",
			"8 cleo@example.org [Cleo ]",
			"9 dan@example.org [Dan Metz]",
		}},
	{"bare-quote-then-more", []byte("email,name\nana@example.org,Ana \"the\" great\nbob@example.org,Bob\n"),
		"email", []string{"name"}, ',', csvfile.UTF8,
		[]string{
			"2  [] ! a quote inside an unquoted value (line 2, column 21): put the whole value in quotes and double the quote inside (\"\")",
			"3 bob@example.org [Bob]",
		}},
	{"unclosed-quote", []byte("email,name\nana@example.org,\"Ana\nbob@example.org,Bob\n"),
		"email", []string{"name"}, ',', csvfile.UTF8,
		[]string{"2  [] ! a quoted value opened on line 2 never closes (lines 2 to 3 could not be read): close the quote or remove it"}},
	{"ids-are-case-sensitive", []byte("teams_id\n29:1001\n29:1001\n29:abc\n29:ABC\n"),
		"teams_id", nil, ',', csvfile.UTF8,
		[]string{"2 29:1001 []", "3 29:1001 [] ! 29:1001 repeats the teams_id of line 2", "4 29:abc []", "5 29:ABC []"}},
	// Keys a platform would refuse at the first send are refused here,
	// with their line.
	{"platform-ids-checked", []byte("telegram_id\n1001\n@ana\n-100123\n"),
		"telegram_id", nil, ',', csvfile.UTF8,
		[]string{"2 1001 []", "3 @ana [] ! \"@ana\" is not a Telegram user id (digits only)", "4 -100123 [] ! \"-100123\" is not a Telegram user id (digits only)"}},
	{"respondent-ids-checked", []byte("respondentID\nshort\nQ2hhdEJvdEFuYS0xMjM0NQ\nU0123ABCD\n123456789012345678\n"),
		"respondentID", nil, ',', csvfile.UTF8,
		[]string{"2 short [] ! \"short\" is not a respondent id: an id from herald's chat has 22 letters, digits, - and _ (shown at the bottom of the chat page); a platform's user id is digits (Telegram, Discord) or U… (Slack)",
			"3 Q2hhdEJvdEFuYS0xMjM0NQ []", "4 U0123ABCD []", "5 123456789012345678 []"}},
	{"discord-ids-checked", []byte("discord_id\n123456789012345678\n<@4001>\n"),
		"discord_id", nil, ',', csvfile.UTF8,
		[]string{"2 123456789012345678 []", "3 <@4001> [] ! \"<@4001>\" is not a Discord user id (digits only)"}},
	{"slack-ids-checked", []byte("slack_id\nU0123ABCD\n@ana\n"),
		"slack_id", nil, ',', csvfile.UTF8,
		[]string{"2 U0123ABCD []", "3 @ana [] ! \"@ana\" is not a Slack user id (U or W, then capitals and digits, as in U0123ABCD)"}},
}

func TestReadable(t *testing.T) {
	for _, tc := range readable {
		t.Run(tc.name, func(t *testing.T) {
			g, err := read(t, tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if g.info.KeyColumn != tc.key || !reflect.DeepEqual(g.info.Attributes, tc.attrs) || g.info.Delimiter != tc.delim || g.info.Encoding != tc.enc {
				t.Errorf("info = %+v; want key %s attrs %q delim %q enc %s", g.info, tc.key, tc.attrs, tc.delim, tc.enc)
			}
			if !reflect.DeepEqual(g.rows, tc.rows) {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(g.rows, "\n"), strings.Join(tc.rows, "\n"))
			}
		})
	}
}

// unusable are files that cannot be read, with a part of the message.
var unusable = []struct {
	name string
	data []byte
	want string
}{
	{"empty", nil, "the file is empty"},
	{"whitespace", []byte(" \r\n\t\n"), "the file is empty"},
	{"xlsx", []byte("PK\x03\x04\x14\x00\x06\x00rest of a zip"), "Excel workbook"},
	{"xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), "old Excel workbook"},
	{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "PNG image"},
	{"pdf", []byte("%PDF-1.7\n"), "PDF document"},
	{"binary", []byte("email\x00\x01\x02\x03name\x00"), "not text"},
	{"no-header", []byte("ana@example.org,Ana\nbob@example.org,Bob\n"), "no header row"},
	{"no-key-column", []byte("name,city\nAna,Lyon\n"), "no key column"},
	{"duplicate-column", []byte("email,city,City\na@b.org,x,y\n"), "appears twice"},
	{"blank-records-only", []byte(",,\n,,\n"), "no header row and no rows"},
}

func TestUnusable(t *testing.T) {
	for _, tc := range unusable {
		t.Run(tc.name, func(t *testing.T) {
			_, err := read(t, tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) || bot.ErrorCode(err) != bot.EINVALID {
				t.Fatalf("error = %v (%s), want EINVALID with %q", err, bot.ErrorCode(err), tc.want)
			}
		})
	}
	_, err := read(t, []byte("PK\x03\x04"))
	if !strings.Contains(err.Error(), "CSV UTF-8") {
		t.Errorf("the message does not say what to do: %v", err)
	}
}

// TestLateNonUTF8 checks that a file whose first 64 KiB are ASCII but which
// holds Windows-1252 further on is read as Windows-1252 when it can be
// re-read (a seekable file), not mangled.
func TestLateNonUTF8(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("email,name\n")
	for i := 0; b.Len() < 100<<10; i++ {
		fmt.Fprintf(&b, "p%d@example.org,Plain\n", i)
	}
	b.Write(cp1252("zoe@example.org,Zoé\n"))
	r, err := csvfile.NewReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if r.Info().Encoding != csvfile.Windows1252 {
		t.Fatalf("encoding = %s", r.Info().Encoding)
	}
	var last csvfile.Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		last = row
	}
	if last.Key != "zoe@example.org" || last.Values[0] != "Zoé" {
		t.Fatalf("last row = %+v", last)
	}
}

type failingReader struct{ data []byte }

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadFailureIsAnError(t *testing.T) {
	big := strings.Repeat("a@b.org,x\n", 10000)
	r, err := csvfile.NewReader(&failingReader{data: []byte("email,name\n" + big)})
	if err != nil {
		t.Fatal(err)
	}
	for {
		_, err := r.Next()
		if err == io.EOF {
			t.Fatal("a read failure ended as a clean EOF")
		}
		if err != nil {
			if bot.ErrorCode(err) != bot.EUNAVAILABLE {
				t.Fatalf("code %s: %v", bot.ErrorCode(err), err)
			}
			return
		}
	}
}

func TestValidEmail(t *testing.T) {
	for s, want := range map[string]bool{
		"ana@example.org":          true,
		"ana.lima+news@example.co": true,
		"o'brien@example.ie":       true,
		"x@sub.domain-name.fr":     true,
		"ana@café.fr":              true,
		"ana@example":              false,
		"ana@@example.org":         false,
		"@example.org":             false,
		"ana@":                     false,
		".ana@example.org":         false,
		"ana.@example.org":         false,
		"a..b@example.org":         false,
		"ana lima@example.org":     false,
		"Ana <ana@example.org>":    false,
		"\"ana\"@example.org":      false,
		"ana@-example.org":         false,
		"ana@example.123":          false,
		"ana@example..org":         false,
		"ana@exa mple.org":         false,
		"ana@example.org\u00a0":    false,
	} {
		if got := csvfile.ValidEmail(s); got != want {
			t.Errorf("ValidEmail(%q) = %v", s, got)
		}
	}
}

// FuzzReader checks that no input makes the reader panic or loop, and that
// what it calls valid is valid: a non-empty key, a plain email for email
// keys, no repeated key, lines in order.
func FuzzReader(f *testing.F) {
	for _, tc := range readable {
		f.Add(tc.data)
	}
	for _, tc := range unusable {
		f.Add(tc.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := csvfile.NewReader(bytes.NewReader(data))
		if err != nil {
			if bot.ErrorCode(err) != bot.EINVALID || err.Error() == "" {
				t.Fatalf("unusable file with code %s: %v", bot.ErrorCode(err), err)
			}
			return
		}
		info := r.Info()
		seen := map[string]bool{}
		lastLine := 0
		for n := 0; ; n++ {
			if n > len(data)+1 {
				t.Fatal("more rows than bytes")
			}
			row, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if row.Line < lastLine || row.Line < 1 {
				t.Fatalf("line %d after %d", row.Line, lastLine)
			}
			lastLine = row.Line
			if len(row.Values) != len(info.Attributes) {
				t.Fatalf("%d values for %d attributes", len(row.Values), len(info.Attributes))
			}
			if row.Invalid != "" {
				continue
			}
			key := row.Key
			if info.KeyColumn == "email" {
				if !csvfile.ValidEmail(key) {
					t.Fatalf("invalid email %q passed", key)
				}
				key = strings.ToLower(key)
			}
			if key == "" || seen[key] {
				t.Fatalf("empty or repeated key %q passed", row.Key)
			}
			seen[key] = true
		}
	})
}

// TestSeedCorpus keeps testdata/fuzz/FuzzReader in step with the cases
// above; run with -update to rewrite it.
func TestSeedCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzReader")
	files := map[string][]byte{}
	for _, tc := range readable {
		files[tc.name] = tc.data
	}
	for _, tc := range unusable {
		files["unusable-"+tc.name] = tc.data
	}
	for name, data := range files {
		want := fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", data)
		path := filepath.Join(dir, name)
		if *update {
			os.MkdirAll(dir, 0o755)
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		have, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(have, want) {
			t.Errorf("seed %s is missing or stale: run go test ./csvfile -run TestSeedCorpus -update", path)
		}
	}
}

// TestValueTooLong: a cell longer than MaxValue makes its row invalid,
// naming the line and column; the rows around it are read as usual.
func TestValueTooLong(t *testing.T) {
	huge := strings.Repeat("x", csvfile.MaxValue+1)
	r, err := csvfile.NewReader(strings.NewReader("email,note\na@x.org,ok\nb@x.org," + huge + "\nc@x.org,fine\n"))
	if err != nil {
		t.Fatal(err)
	}
	var invalid []string
	var valid int
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if row.Invalid != "" {
			invalid = append(invalid, row.Invalid)
		} else {
			valid++
		}
	}
	if valid != 2 || len(invalid) != 1 || !strings.Contains(invalid[0], "line 3, column 2") || !strings.Contains(invalid[0], "16384 bytes") {
		t.Fatalf("valid %d, invalid %q", valid, invalid)
	}
}

// TestRepeatsAcrossBatches reads a file of thousands of rows (many of the
// parser's batches) whose keys repeat far apart, in other capitals, between
// broken and short rows, from a file (so that the repeated-key table is
// sized from its length) and from a stream (so that it grows): every
// repeat is found with the line of the key's first row, and nothing else
// is taken for one.
func TestRepeatsAcrossBatches(t *testing.T) {
	var b strings.Builder
	b.WriteString("first_name,email\n")
	type want struct {
		line   int
		repeat int    // the first line of the key, or 0
		bad    bool   // broken or short: invalid for another reason
		key    string // as written
	}
	var wants []want
	first := map[string]int{}
	for i := range 3000 {
		line := i + 2
		switch {
		case i%97 == 5:
			b.WriteString("Bob \"the\" B,bob@example.org\n") // a bare quote: the parser's error
			wants = append(wants, want{line: line, bad: true})
			continue
		case i%89 == 7:
			b.WriteString("Short\n") // no key field at all
			wants = append(wants, want{line: line, bad: true})
			continue
		}
		n := i
		if i%3 == 0 && i > 0 {
			n = (i * 7919) % i // an earlier key, near or far
		}
		key := fmt.Sprintf("person%d@example.org", n)
		if i%5 == 0 {
			key = strings.ToUpper(key[:1]) + key[1:]
		}
		fmt.Fprintf(&b, "P%d,%s\n", i, key)
		w := want{line: line, key: key}
		norm := strings.ToLower(key)
		if l, ok := first[norm]; ok {
			w.repeat = l
		} else {
			first[norm] = line
		}
		wants = append(wants, w)
	}
	data := []byte(b.String())
	path := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	repeats := 0
	for _, w := range wants {
		if w.repeat > 0 {
			repeats++
		}
	}
	if repeats < 500 {
		t.Fatalf("the file has %d repeats: the test needs many", repeats)
	}
	for _, src := range []string{"file", "stream"} {
		var in io.Reader = bytes.NewReader(data)
		if src == "file" {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			in = f
		}
		r, err := csvfile.NewReader(in)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			row, err := r.Next()
			if err == io.EOF {
				if i != len(wants) {
					t.Fatalf("%s: %d rows, want %d", src, i, len(wants))
				}
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			w := wants[i]
			switch {
			case row.Line != w.line:
				t.Fatalf("%s: row %d at line %d, want %d", src, i, row.Line, w.line)
			case w.bad:
				if row.Invalid == "" || strings.Contains(row.Invalid, "repeats") {
					t.Fatalf("%s: line %d: invalid %q, want a reason other than a repeat", src, w.line, row.Invalid)
				}
			case w.repeat > 0:
				if msg := fmt.Sprintf("%s repeats the email of line %d", w.key, w.repeat); row.Invalid != msg {
					t.Fatalf("%s: line %d: invalid %q, want %q", src, w.line, row.Invalid, msg)
				}
			case row.Invalid != "":
				t.Fatalf("%s: line %d: invalid %q, want valid", src, w.line, row.Invalid)
			}
		}
		r.Close()
	}
}
