package internal

import (
	"io"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
)

// TestDownloadsLiveOnDiskForAnHour: an export offered in the console is
// kept in a private file, not in memory, served as a download, and gone
// after an hour (and at stop).
func TestDownloadsLiveOnDiskForAnHour(t *testing.T) {
	clock := bottest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	d := &Downloads{Clock: clock}
	defer d.Close()
	id, err := d.Keep(bot.File{Name: "list.csv", ContentType: "text/csv", Data: []byte("email\na@x.org\n")})
	if err != nil {
		t.Fatal(err)
	}
	path := d.files[id].path
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the file on disk: %v %v", fi, err)
	}
	rec := httptest.NewRecorder()
	if !d.Serve(rec, httptest.NewRequest("GET", "/console/files/"+id, nil), id) {
		t.Fatal("not served")
	}
	body, _ := io.ReadAll(rec.Result().Body)
	if string(body) != "email\na@x.org\n" || rec.Header().Get("Content-Disposition") != `attachment; filename=list.csv` {
		t.Fatalf("served %q with %v", body, rec.Header())
	}
	clock.Advance(DownloadTTL)
	if d.Serve(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), id) {
		t.Fatal("served after its hour")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the file is still on disk: %v", err)
	}
	d.Keep(bot.File{Name: "b.csv", Data: []byte("x")})
	dir := d.dir
	d.Close()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the directory is still there: %v", err)
	}
}
