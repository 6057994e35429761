package bot

// RowWriter takes the rows of a table herald hands to people — a list
// export, a campaign report — one at a time, the header first. The
// csvfile package writes them as CSV; services never format files
// themselves.
type RowWriter interface {
	WriteRow(row []string) error
}
