package main_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	main "github.com/heraldchat/herald/cmd/herald"
)

func TestRecipientsCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(body), 0o600)
		return path
	}
	good := write("good.csv", "\xEF\xBB\xBFemail;first_name\r\nana@example.org;Ana\r\n\r\nbob@example.org;Bob\r\n")
	bad := write("bad.csv", "email,first_name\nana@example.org,Ana\nnot-an-email,X\nAna@Example.org,Again\n")
	xlsx := write("book.xlsx", "PK\x03\x04\x14\x00")

	p := NewProgram(nil)
	err := p.Run(context.Background(), []string{"recipients", "check", good})
	if err != nil || !strings.Contains(p.Stdout.String(), "2 rows, 2 valid, 0 invalid") {
		t.Fatalf("good file: %v\n%s", err, p.Stdout)
	}

	p = NewProgram(nil)
	err = p.Run(context.Background(), []string{"recipients", "check", "--json", bad})
	if main.ExitCode(err) != 1 {
		t.Fatalf("bad file: exit %d, %v", main.ExitCode(err), err)
	}
	var rep struct {
		Rows       int      `json:"rows"`
		Valid      int      `json:"valid"`
		Invalid    int      `json:"invalid"`
		KeyColumn  string   `json:"key_column"`
		Attributes []string `json:"attributes"`
		Delimiter  string   `json:"delimiter"`
		Encoding   string   `json:"encoding"`
		Errors     []struct {
			Line   int    `json:"line"`
			Reason string `json:"reason"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(p.Stdout.String()), &rep); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, p.Stdout)
	}
	if rep.Rows != 3 || rep.Valid != 1 || rep.Invalid != 2 || rep.KeyColumn != "email" || !reflect.DeepEqual(rep.Attributes, []string{"first_name"}) ||
		rep.Delimiter != "," || rep.Encoding != "UTF-8" || len(rep.Errors) != 2 || rep.Errors[0].Line != 3 || rep.Errors[1].Line != 4 ||
		!strings.Contains(rep.Errors[1].Reason, "line 2") {
		t.Fatalf("report = %+v", rep)
	}

	p = NewProgram(nil)
	err = p.Run(context.Background(), []string{"recipients", "check", xlsx})
	if main.ExitCode(err) != 2 || !strings.Contains(err.Error(), "Excel workbook") || !strings.Contains(err.Error(), "CSV UTF-8") {
		t.Fatalf("xlsx: exit %d, %v", main.ExitCode(err), err)
	}
	err = p.Run(context.Background(), []string{"recipients", "check", filepath.Join(dir, "missing.csv")})
	if main.ExitCode(err) != 2 {
		t.Fatalf("missing file: exit %d, %v", main.ExitCode(err), err)
	}
	if err := p.Run(context.Background(), []string{"recipients", "verify", good}); main.ExitCode(err) != 2 {
		t.Fatalf("unknown subcommand: exit %d", main.ExitCode(err))
	}
}
