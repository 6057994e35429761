package csvfile

import (
	"encoding/csv"
	"io"
)

// Writer writes tables herald hands to people (list exports, campaign
// reports) as CSV that spreadsheets open safely: UTF-8 with a byte-order
// mark (so that Excel reads accents right), comma-delimited, CRLF line
// ends, and every cell that a spreadsheet would run as a formula
// neutralised with a leading apostrophe. herald's own reader removes that
// apostrophe again, so an exported list imports back unchanged. It is
// every CSV writer herald has; it is not safe for concurrent use.
type Writer struct {
	out   io.Writer
	csv   *csv.Writer
	begun bool
	cell  []string
}

// NewWriter returns a Writer onto w. Nothing is written before the first
// row.
func NewWriter(w io.Writer) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &Writer{out: w, csv: cw}
}

// WriteRow writes one row, the byte-order mark first. The row is not
// changed.
func (w *Writer) WriteRow(row []string) error {
	if !w.begun {
		w.begun = true
		if _, err := io.WriteString(w.out, "\uFEFF"); err != nil {
			return err
		}
	}
	w.cell = w.cell[:0]
	for _, v := range row {
		w.cell = append(w.cell, Neutralise(v))
	}
	return w.csv.Write(w.cell)
}

// Flush writes what is buffered and returns the first error of any write.
func (w *Writer) Flush() error {
	w.csv.Flush()
	return w.csv.Error()
}

// formulaStart reports whether a spreadsheet reads a cell beginning with
// c as a formula (or, for tab and CR, as the start of one once trimmed).
func formulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// Neutralise returns v as a spreadsheet shows it without running it: a
// value starting with = + - @, a tab or a CR gets a leading apostrophe.
func Neutralise(v string) string {
	if v != "" && formulaStart(v[0]) {
		return "'" + v
	}
	return v
}

// Unneutralise undoes Neutralise: an apostrophe followed by a formula's
// first character is removed. Values herald did not guard are unchanged.
func Unneutralise(v string) string {
	if len(v) > 1 && v[0] == '\'' && formulaStart(v[1]) {
		return v[1:]
	}
	return v
}
