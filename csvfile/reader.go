package csvfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/lists"
)

// MaxValue is the longest value, in bytes, a recipient file may hold in one
// cell: a row with a longer one is invalid, with its line named.
const MaxValue = 16 << 10

// Info describes a recipient file, known once its header is read.
type Info struct {
	// KeyColumn is the canonical key: "email", "respondentID", or a
	// platform id column such as "slack_id".
	KeyColumn string
	// KeyHeader is the key column's name as written in the file.
	KeyHeader string
	// Attributes are the other columns, named as in the header (trimmed);
	// a column with an empty header is named column_N.
	Attributes []string
	Delimiter  rune
	Encoding   Encoding
}

// Row is one record of the file.
type Row struct {
	// Line is the 1-based line of the file where the record starts.
	Line int
	Key  string
	// Values are the attribute values, aligned with Info.Attributes. The
	// slice is reused by the next call to Next; copy what you keep.
	Values []string
	// Invalid is why the row cannot be used, or "" for a valid row.
	Invalid string
	// Reason is Invalid as a catalogue key and its arguments, for
	// surfaces that speak another language (empty Key: Invalid alone).
	Reason Reason
}

// Recipient returns the row as a bot.Recipient with its own attribute map.
// Empty values are left out.
func (r Row) Recipient(info Info) bot.Recipient {
	rec := bot.Recipient{Key: r.Key}
	for i, v := range r.Values {
		if v == "" {
			continue
		}
		if rec.Attributes == nil {
			rec.Attributes = make(map[string]string, len(r.Values))
		}
		rec.Attributes[info.Attributes[i]] = v
	}
	return rec
}

// keyColumns maps header names (lower-cased) to the canonical key column,
// in order of preference: the first category present in the header wins.
var keyColumns = []struct {
	canonical string
	names     []string
}{
	{"email", []string{"email", "e-mail", "mail", "courriel", "email address"}},
	{"respondentID", []string{"respondentid", "respondent_id", "id", "user_id"}},
	{"slack_id", []string{"slack_id"}},
	{"discord_id", []string{"discord_id"}},
	{"telegram_id", []string{"telegram_id"}},
	{"teams_id", []string{"teams_id"}},
}

// Reader reads rows from a recipient file. It is not safe for concurrent
// use.
type Reader struct {
	info    Info
	csv     *csv.Reader
	width   int // columns in the header
	keyIdx  int
	attrIdx []int
	values  []string
	seen    keySet
	seeds   [2]maphash.Seed
	h2s     []uint64 // the keys' hashes of r.cur, by position (see warm)
	warmed  uint32   // see warm
	// Records come from the parsing goroutine (see pipeline.go).
	batches   chan []record
	done      chan struct{}
	closeOnce sync.Once
	cur       []record
	pos       int
	end       error // io.EOF or the read error that ended the file
}

// NewReader detects the file's encoding and delimiter and reads its header.
// It returns an EINVALID error, whose message says what is wrong and what
// to do, when the file is unusable: empty, not text, without a header, or
// without a key column. When src is an io.ReadSeeker the whole file is
// checked for UTF-8 before the encoding is chosen.
func NewReader(src io.Reader) (*Reader, error) {
	text, enc, err := decode(src)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(text, sniffSize)
	head, _ := br.Peek(sniffSize)
	delim := sniffDelimiter(head)
	c := csv.NewReader(br)
	c.Comma = delim
	c.FieldsPerRecord = -1
	r := &Reader{
		csv:   c,
		info:  Info{Delimiter: delim, Encoding: enc},
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
	}
	if err := r.readHeader(); err != nil {
		return nil, err
	}
	if size := fileSize(src); size > 0 && len(head) > 0 {
		// Expect as many rows as the sample's line length suggests, and
		// an eighth more: a table that has to grow copies itself whole.
		lines := int64(bytes.Count(head, []byte{'\n'}) + 1)
		rows := size * lines / int64(len(head))
		if enc == UTF16LE || enc == UTF16BE {
			rows /= 2 // the file's bytes, the sample's decoded text
		}
		r.seen.reserve(int(rows + rows/8))
	}
	r.start()
	return r, nil
}

// Info describes the file.
func (r *Reader) Info() Info { return r.info }

func (r *Reader) readHeader() error {
	var header []string
	for {
		rec, err := r.csv.Read()
		if err == io.EOF {
			return unusable("the file has no header row and no rows: add a first line naming the columns, for example email,first_name")
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return unusable("the header row (line %d) cannot be read: %v; %s", pe.StartLine, pe.Err, saveAsCSV)
			}
			return bot.Errorf(bot.EUNAVAILABLE, "cannot read the file: %w", err)
		}
		if !allEmpty(rec) {
			header = make([]string, len(rec))
			for i, h := range rec {
				header[i] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(h), "\uFEFF"))
			}
			break
		}
	}
	for len(header) > 0 && header[len(header)-1] == "" {
		header = header[:len(header)-1]
	}
	r.width = len(header)
	r.keyIdx = -1
	for _, kc := range keyColumns {
		for i, h := range header {
			for _, name := range kc.names {
				if strings.EqualFold(h, name) {
					r.keyIdx, r.info.KeyColumn, r.info.KeyHeader = i, kc.canonical, h
					break
				}
			}
			if r.keyIdx >= 0 {
				break
			}
		}
		if r.keyIdx >= 0 {
			break
		}
	}
	if r.keyIdx < 0 {
		for _, h := range header {
			if strings.Contains(h, "@") {
				return unusable("the file has no header row: its first line holds data (%s). Add a first line naming the columns, for example email,first_name", h)
			}
		}
		return unusable("no key column: name one column email (or e-mail, mail, courriel), respondentID, or a platform id column (slack_id, discord_id, telegram_id, teams_id). The columns are: %s", strings.Join(header, ", "))
	}
	names := map[string]int{}
	for i, h := range header {
		if i == r.keyIdx {
			continue
		}
		if h == "" {
			h = fmt.Sprintf("column_%d", i+1)
		}
		if j, dup := names[strings.ToLower(h)]; dup {
			return unusable("the column %q appears twice (columns %d and %d): rename one", h, j+1, i+1)
		}
		names[strings.ToLower(h)] = i
		r.info.Attributes = append(r.info.Attributes, h)
		r.attrIdx = append(r.attrIdx, i)
	}
	r.values = make([]string, len(r.attrIdx))
	return nil
}

// Next returns the next non-blank record, valid or not, and io.EOF after
// the last. Records whose fields are all empty are skipped. Other errors
// are failures to read the underlying file (EUNAVAILABLE). After Close,
// Next returns io.EOF.
func (r *Reader) Next() (Row, error) {
	for {
		if r.end != nil {
			return Row{}, r.end
		}
		if r.pos == len(r.cur) {
			select {
			case b, ok := <-r.batches:
				if !ok {
					r.end = io.EOF
					continue
				}
				r.cur, r.pos = b, 0
				r.warm(b)
			case <-r.done:
				r.end = io.EOF
			}
			continue
		}
		rec := r.cur[r.pos]
		r.pos++
		var pe *csv.ParseError
		switch {
		case rec.err == nil:
			return r.row(rec.line, rec.fields, r.h2s[r.pos-1]), nil
		case errors.As(rec.err, &pe):
			return r.brokenRow(pe), nil
		case rec.err == io.EOF:
			r.end = io.EOF
		default:
			r.end = bot.Errorf(bot.EUNAVAILABLE, "cannot read the file: %w", rec.err)
			r.Close()
			return Row{}, r.end
		}
	}
}

// brokenRow reports a record whose quoting is broken. A quote left open
// runs to the end of the file, so reading stops there.
func (r *Reader) brokenRow(pe *csv.ParseError) Row {
	row := Row{Line: pe.StartLine, Values: r.clearValues()}
	switch {
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine:
		row.Invalid = fmt.Sprintf("a quoted value opened on line %d never closes (lines %d to %d could not be read): close the quote or remove it", pe.StartLine, pe.StartLine, pe.Line)
		r.end = io.EOF
		r.Close()
	case errors.Is(pe.Err, csv.ErrBareQuote):
		row.Invalid = fmt.Sprintf("a quote inside an unquoted value (line %d, column %d): put the whole value in quotes and double the quote inside (\"\")", pe.Line, pe.Column)
	default:
		row.Invalid = fmt.Sprintf("broken quoting on line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	return row
}

func (r *Reader) clearValues() []string {
	for i := range r.values {
		r.values[i] = ""
	}
	return r.values
}

func (r *Reader) row(line int, rec []string, keyH2 uint64) Row {
	row := Row{Line: line, Values: r.clearValues()}
	// rec's fields are trimmed already.
	for i, idx := range r.attrIdx {
		if idx < len(rec) {
			row.Values[i] = rec[idx]
		}
	}
	if r.keyIdx < len(rec) {
		row.Key = rec[r.keyIdx]
	}
	for i, v := range rec {
		if len(v) > MaxValue {
			row.Invalid = fmt.Sprintf("line %d, column %d holds a value of %d bytes; herald keeps values up to %d bytes: shorten it or remove the column", line, i+1, len(v), MaxValue)
			return row
		}
	}
	for i := r.width; i < len(rec); i++ {
		if rec[i] != "" {
			row.Invalid = fmt.Sprintf("this row has a value in column %d but the header names only %d columns: quote values that contain %q, or add a column name", i+1, r.width, r.info.Delimiter)
			return row
		}
	}
	switch {
	case row.Key == "":
		row.Invalid = fmt.Sprintf("the key column %s is empty", r.info.KeyHeader)
		row.Reason = Reason{"csv.key_empty", []any{r.info.KeyHeader}}
		return row
	}
	key := row.Key
	if r.info.KeyColumn == "email" {
		ok, upper := checkEmail(key)
		if !ok {
			row.Invalid = fmt.Sprintf("%q is not a valid email address", row.Key)
			row.Reason = Reason{"csv.bad_email", []any{row.Key}}
			return row
		}
		if upper {
			key = strings.ToLower(key)
		}
	} else if why := checkKey(r.info.KeyColumn, key); why != "" {
		row.Invalid = why
		return row
	}
	if key != row.Key {
		keyH2 = maphash.String(r.seeds[1], key)
	}
	if first, dup := r.seen.insert(maphash.String(r.seeds[0], key), keyH2, int32(line)); dup {
		row.Invalid = fmt.Sprintf("%s repeats the %s of line %d", row.Key, r.info.KeyHeader, first)
		row.Reason = Reason{"csv.repeat", []any{row.Key, r.info.KeyHeader, int(first)}}
	}
	return row
}

// warm hashes the key of each record of a new batch (into r.h2s, for row)
// and reads the slot of the repeated-key table it will probe first, so
// that the batch's cache misses overlap instead of stalling one row at a
// time: at a million keys the table is larger than the caches, and
// probing it was a third of a check's time. A key that validation changes
// (an email with capitals) is hashed again and warmed in vain.
func (r *Reader) warm(b []record) {
	r.h2s = r.h2s[:0]
	var sum uint32
	for i := range b {
		key := ""
		if r.keyIdx < len(b[i].fields) {
			key = b[i].fields[r.keyIdx]
		}
		h2 := maphash.String(r.seeds[1], key)
		r.h2s = append(r.h2s, h2)
		if len(r.seen.tags) > 0 {
			j := home(h2, len(r.seen.tags))
			sum += r.seen.tags[j] + uint32(r.seen.rest[j].line)
		}
	}
	r.warmed = sum // kept, so that the reads are not optimised away
}

// fileSize returns the size of src when it is a file, or 0.
func fileSize(src io.Reader) int64 {
	if st, ok := src.(interface{ Stat() (os.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return 0
}

func allEmpty(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// sniffDelimiter picks, among comma, semicolon, tab and pipe, the one that
// appears most often outside quotes on the first non-blank line of head;
// comma when none appears.
func sniffDelimiter(head []byte) rune {
	candidates := []rune{',', ';', '\t', '|'}
	counts := make([]int, len(candidates))
	inQuotes, seen := false, false
	for _, b := range head {
		switch {
		case b == '"':
			inQuotes = !inQuotes
		case b == '\n' && !inQuotes:
			if seen {
				goto done
			}
		case !inQuotes:
			for i, c := range candidates {
				if rune(b) == c {
					counts[i]++
				}
			}
			if b != ' ' && b != '\t' {
				seen = true
			}
		}
	}
done:
	best := 0
	for i := range counts {
		if counts[i] > counts[best] {
			best = i
		}
	}
	return candidates[best]
}

var _ lists.RecipientReader = (*Reader)(nil)

// KeyColumn returns the canonical key column (lists.RecipientReader).
func (r *Reader) KeyColumn() string { return r.info.KeyColumn }

// Columns returns the attribute names (lists.RecipientReader).
func (r *Reader) Columns() []string { return append([]string(nil), r.info.Attributes...) }

// ReadRecipient returns the next row as a lists.RecipientRow, with its own
// attribute map (lists.RecipientReader).
func (r *Reader) ReadRecipient() (lists.RecipientRow, error) {
	row, err := r.Next()
	if err != nil {
		return lists.RecipientRow{}, err
	}
	return lists.RecipientRow{Line: row.Line, Recipient: row.Recipient(r.info), Invalid: row.Invalid, ReasonKey: row.Reason.Key, ReasonArgs: row.Reason.Args}, nil
}

// Reason is why a row is invalid, as a catalogue key (commands'
// catalogue) and its arguments.
type Reason struct {
	Key  string
	Args []any
}
