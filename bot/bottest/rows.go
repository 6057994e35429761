package bottest

// Rows is a bot.RowWriter that keeps the rows written to it, for tests of
// reports and exports that look at cells rather than at CSV.
type Rows struct {
	Rows [][]string
}

// WriteRow keeps a copy of row.
func (r *Rows) WriteRow(row []string) error {
	r.Rows = append(r.Rows, append([]string(nil), row...))
	return nil
}
