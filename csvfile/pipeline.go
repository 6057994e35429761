package csvfile

import (
	"encoding/csv"
	"errors"
	"strings"
)

// The reader parses in one goroutine and validates in the caller's, so
// that a file is read with both cores: CSV parsing on one side, key checks
// and the repeated-key table on the other. Records travel in batches.

// record is one parsed record, or the error that stands in its place: a
// *csv.ParseError for a record with broken quoting, io.EOF or a read error
// at the end.
type record struct {
	fields []string // trimmed
	line   int
	err    error
}

const (
	batchSize    = 256
	batchesAhead = 4
)

func (r *Reader) start() {
	r.batches = make(chan []record, batchesAhead)
	r.done = make(chan struct{})
	go r.parse()
}

// Close stops the parsing goroutine. Callers that stop reading before
// io.EOF must call it; it is safe to call more than once and after EOF.
func (r *Reader) Close() error {
	r.closeOnce.Do(func() { close(r.done) })
	return nil
}

func (r *Reader) parse() {
	defer close(r.batches)
	// The csv reader reuses its record slice; each batch copies the fields
	// into one arena of its own, one allocation per batch, not per record.
	r.csv.ReuseRecord = true
	arenaSize := batchSize * max(r.width, 1)
	batch := make([]record, 0, batchSize)
	arena := make([]string, 0, arenaSize)
	send := func() bool {
		select {
		case r.batches <- batch:
			batch = make([]record, 0, batchSize)
			arena = make([]string, 0, arenaSize)
			return true
		case <-r.done:
			return false
		}
	}
	for {
		rec, err := r.csv.Read()
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				batch = append(batch, record{err: err})
				send()
				return
			}
			batch = append(batch, record{line: pe.StartLine, err: pe})
		} else {
			empty := true
			for i := range rec {
				rec[i] = Unneutralise(strings.TrimSpace(rec[i]))
				empty = empty && rec[i] == ""
			}
			if empty {
				continue
			}
			line, _ := r.csv.FieldPos(0)
			var fields []string
			if len(arena)+len(rec) <= cap(arena) {
				start := len(arena)
				arena = append(arena, rec...)
				fields = arena[start:len(arena):len(arena)]
			} else {
				fields = append([]string(nil), rec...)
			}
			batch = append(batch, record{fields: fields, line: line})
		}
		if len(batch) == batchSize && !send() {
			return
		}
	}
}
