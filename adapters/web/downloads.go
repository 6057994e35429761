package web

import (
	"fmt"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
)

// downloadTTL is how long a file offered in the console (an export, a
// report) can be downloaded.
const downloadTTL = time.Hour

// downloads keeps the files offered in the console on disk, in a private
// directory of their own, for downloadTTL: an export of a large list is
// not held in memory for an hour, however many are asked for. It is safe
// for concurrent use.
type downloads struct {
	clock clock.Clock

	mu    sync.Mutex
	dir   string // made on first use, mode 0700; removed by close
	files map[string]download
}

// download is a file kept on disk.
type download struct {
	name, contentType, path string
	until                   time.Time
}

// keep writes f to disk and returns the id it is downloaded by.
func (d *downloads) keep(f bot.File) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sweepLocked()
	if d.dir == "" {
		dir, err := os.MkdirTemp("", "herald-downloads-")
		if err != nil {
			return "", fmt.Errorf("making the downloads directory: %w", err)
		}
		d.dir, d.files = dir, map[string]download{}
	}
	id := randomID(16)
	path := filepath.Join(d.dir, id)
	if err := os.WriteFile(path, f.Data, 0o600); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("keeping %s for download: %w", f.Name, err)
	}
	d.files[id] = download{name: f.Name, contentType: f.ContentType, path: path, until: d.clock.Now().Add(downloadTTL)}
	return id, nil
}

// serve sends the file kept as id and reports whether there was one.
func (d *downloads) serve(w http.ResponseWriter, r *http.Request, id string) bool {
	d.mu.Lock()
	d.sweepLocked()
	dl, ok := d.files[id]
	d.mu.Unlock()
	if !ok {
		return false
	}
	f, err := os.Open(dl.path)
	if err != nil {
		return false // swept meanwhile
	}
	defer f.Close()
	downloadHeaders(w, dl.name, dl.contentType)
	http.ServeContent(w, r, "", time.Time{}, f)
	return true
}

// sweepLocked deletes the files whose time is up; d.mu is held.
func (d *downloads) sweepLocked() {
	now := d.clock.Now()
	for id, dl := range d.files {
		if !now.Before(dl.until) {
			os.Remove(dl.path)
			delete(d.files, id)
		}
	}
}

// close deletes every file kept.
func (d *downloads) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dir != "" {
		os.RemoveAll(d.dir)
		d.dir, d.files = "", nil
	}
}

// downloadHeaders make a response a download that the browser never runs
// as a page.
func downloadHeaders(w http.ResponseWriter, name, contentType string) {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
}
