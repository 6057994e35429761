package csvfile

import (
	"io"
)

// LineError is an invalid row: the line where it starts and why.
type LineError struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Report is what Check finds in a file. Its JSON form is the output of
// "herald recipients check --json".
type Report struct {
	Rows       int         `json:"rows"`
	Valid      int         `json:"valid"`
	Invalid    int         `json:"invalid"`
	KeyColumn  string      `json:"key_column"`
	Attributes []string    `json:"attributes"`
	Delimiter  string      `json:"delimiter"`
	Encoding   string      `json:"encoding"`
	Errors     []LineError `json:"errors"`
}

// Check reads the whole file and reports its rows. It returns the error of
// NewReader for an unusable file, and a read error as Next does.
func Check(src io.Reader) (*Report, error) {
	r, err := NewReader(src)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	info := r.Info()
	rep := &Report{
		KeyColumn:  info.KeyColumn,
		Attributes: append([]string{}, info.Attributes...),
		Delimiter:  string(info.Delimiter),
		Encoding:   string(info.Encoding),
		Errors:     []LineError{},
	}
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rep, nil
		}
		if err != nil {
			return nil, err
		}
		rep.Rows++
		if row.Invalid != "" {
			rep.Invalid++
			rep.Errors = append(rep.Errors, LineError{Line: row.Line, Reason: row.Invalid})
			continue
		}
		rep.Valid++
	}
}
