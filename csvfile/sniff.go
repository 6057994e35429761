package csvfile

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/heraldchat/herald/bot"
)

// Encoding names a text encoding the reader detected.
type Encoding string

// The encodings the reader understands.
const (
	UTF8        Encoding = "UTF-8"
	UTF8BOM     Encoding = "UTF-8 with BOM"
	UTF16LE     Encoding = "UTF-16LE"
	UTF16BE     Encoding = "UTF-16BE"
	Windows1252 Encoding = "Windows-1252"
)

const sniffSize = 64 << 10

const saveAsCSV = "save it from your spreadsheet as \"CSV UTF-8 (comma delimited)\" and upload that file"

// unusable is the error for a file that cannot be read as recipients.
func unusable(format string, args ...any) error { return bot.Errorf(bot.EINVALID, format, args...) }

// signatures of files people upload by mistake.
var signatures = []struct {
	magic []byte
	what  string
}{
	{[]byte("PK\x03\x04"), "an Excel workbook or another zip archive (.xlsx, .ods), not a CSV file"},
	{[]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), "an old Excel workbook (.xls), not a CSV file"},
	{[]byte("%PDF"), "a PDF document, not a CSV file"},
	{[]byte("\x89PNG"), "a PNG image, not a CSV file"},
	{[]byte("\xFF\xD8\xFF"), "a JPEG image, not a CSV file"},
	{[]byte("GIF8"), "a GIF image, not a CSV file"},
	{[]byte("{\\rtf"), "a rich-text document, not a CSV file"},
}

// decode detects the encoding of the stream in br and returns a reader of
// its text as UTF-8, with every line ending turned into LF. When src can
// seek, the whole file is checked for UTF-8 before choosing; otherwise the
// first 64 KiB decide.
func decode(src io.Reader) (io.Reader, Encoding, error) {
	br := bufio.NewReaderSize(src, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", bot.Errorf(bot.EUNAVAILABLE, "cannot read the file: %w", err)
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, "", unusable("the file is empty: it needs a header row (for example email,first_name) and one row per recipient")
	}
	for _, s := range signatures {
		if bytes.HasPrefix(head, s.magic) {
			return nil, "", unusable("this is %s: %s", s.what, saveAsCSV)
		}
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return newlines(br), UTF8BOM, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return newlines(transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())), UTF16LE, nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return newlines(transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())), UTF16BE, nil
	}
	if !looksLikeText(head) {
		return nil, "", unusable("this file is not text (it holds binary data): %s", saveAsCSV)
	}
	valid := validUTF8Prefix(head, len(head) < sniffSize)
	if valid {
		if rs, ok := src.(io.ReadSeeker); ok {
			// Check the rest of the file too, then come back.
			pos, err := rs.Seek(0, io.SeekCurrent)
			if err == nil {
				valid, err = validUTF8(io.MultiReader(bytes.NewReader(head), rs))
				if _, serr := rs.Seek(pos, io.SeekStart); err != nil || serr != nil {
					return nil, "", bot.Errorf(bot.EUNAVAILABLE, "cannot read the file twice to check its encoding")
				}
			}
		}
	}
	if !valid {
		return newlines(transform.NewReader(br, charmap.Windows1252.NewDecoder())), Windows1252, nil
	}
	return newlines(br), UTF8, nil
}

// looksLikeText reports whether b has no NUL byte and few other control
// characters.
func looksLikeText(b []byte) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return false
	}
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			ctl++
		}
	}
	return ctl*100 <= len(b)
}

// validUTF8Prefix reports whether b is valid UTF-8, ignoring a rune cut at
// the end unless final.
func validUTF8Prefix(b []byte, final bool) bool {
	if !final {
		b = b[:completeRunes(b)]
	}
	return utf8.Valid(b)
}

// completeRunes returns the length of b without a trailing incomplete rune.
func completeRunes(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// validUTF8 reports whether everything r yields is valid UTF-8.
func validUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 256<<10)
	carry := 0
	for {
		n, err := io.ReadFull(r, buf[carry:])
		n += carry
		final := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !final {
			return false, err
		}
		end := n
		if !final {
			end = completeRunes(buf[:n])
		}
		if !utf8.Valid(buf[:end]) {
			return false, nil
		}
		if final {
			return true, nil
		}
		carry = copy(buf, buf[end:n])
	}
}

// newlines returns a reader that turns CRLF and lone CR into LF, so that
// old Mac files read like the rest.
func newlines(r io.Reader) io.Reader { return &crReader{r: r} }

type crReader struct {
	r      io.Reader
	lastCR bool
}

func (c *crReader) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		if n == 0 {
			return 0, err
		}
		if !c.lastCR && bytes.IndexByte(p[:n], '\r') < 0 {
			return n, err
		}
		w := 0
		for _, b := range p[:n] {
			switch {
			case b == '\r':
				p[w] = '\n'
				w++
				c.lastCR = true
				continue
			case b == '\n' && c.lastCR:
				// the LF of a CRLF, already written
			default:
				p[w] = b
				w++
			}
			c.lastCR = false
		}
		if w > 0 || err != nil {
			return w, err
		}
	}
}
