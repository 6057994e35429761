// Package csvfile reads recipient files: the CSV exports people bring from
// Excel, an LMS or a CRM. It detects the encoding (UTF-8 with or without a
// BOM, UTF-16 with a BOM, Windows-1252 when the bytes are not UTF-8), the
// delimiter (comma, semicolon, tab or pipe) and the line endings (LF, CRLF,
// CR), finds the key column from the header, and streams the rows one at a
// time, each valid or carrying the reason it is not. Nothing is dropped
// silently: blank records are the only ones skipped.
//
// Import rule: csvfile imports bot, golang.org/x/text and the standard
// library.
package csvfile
