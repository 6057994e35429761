package internal

import (
	"crypto/rand"
	"encoding/base64"
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

// DownloadTTL is how long a file offered for download (an export, a
// report, a chart) can be downloaded.
const DownloadTTL = time.Hour

// Downloads keeps the files offered for download (in the console, by link
// in Teams) on disk, in a private directory of their own, for DownloadTTL:
// an export of a large list is not held in memory for an hour, however
// many are asked for. Its zero value is not ready: set Clock. It is safe
// for concurrent use.
type Downloads struct {
	Clock clock.Clock

	mu    sync.Mutex
	dir   string // made on first use, mode 0700; removed by close
	files map[string]download
}

// download is a file kept on disk.
type download struct {
	name, contentType, path string
	until                   time.Time
}

// Keep writes f to disk and returns the id it is downloaded by: 128
// random bits, so that the id is the file's only key.
func (d *Downloads) Keep(f bot.File) (string, error) {
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
	id := RandomID(16)
	path := filepath.Join(d.dir, id)
	if err := os.WriteFile(path, f.Data, 0o600); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("keeping %s for download: %w", f.Name, err)
	}
	d.files[id] = download{name: f.Name, contentType: f.ContentType, path: path, until: d.Clock.Now().Add(DownloadTTL)}
	return id, nil
}

// Serve sends the file kept as id and reports whether there was one.
func (d *Downloads) Serve(w http.ResponseWriter, r *http.Request, id string) bool {
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
	DownloadHeaders(w, dl.name, dl.contentType)
	http.ServeContent(w, r, "", time.Time{}, f)
	return true
}

// sweepLocked deletes the files whose time is up; d.mu is held.
func (d *Downloads) sweepLocked() {
	now := d.Clock.Now()
	for id, dl := range d.files {
		if !now.Before(dl.until) {
			os.Remove(dl.path)
			delete(d.files, id)
		}
	}
}

// Close deletes every file kept.
func (d *Downloads) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dir != "" {
		os.RemoveAll(d.dir)
		d.dir, d.files = "", nil
	}
}

// DownloadHeaders make a response a download that the browser never runs
// as a page.
func DownloadHeaders(w http.ResponseWriter, name, contentType string) {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
}

// RandomID returns n random bytes, base64url without padding.
func RandomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
