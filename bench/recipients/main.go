// Command recipients measures reading and importing a large recipient
// file: a bare encoding/csv read (the baseline), "herald recipients check"
// (csvfile.Check), and an import into a list (lists.Service over the
// bbolt store, fsync on). Each measurement runs in a child process so that
// its peak RSS is its own. It prints one JSON line last.
//
//	go run ./bench/recipients -n 1000000
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/csvfile"
	"github.com/heraldchat/herald/store"
)

type result struct {
	Rows    int     `json:"rows"`
	Seconds float64 `json:"seconds"`
	RSSMB   float64 `json:"peak_rss_mb"`
}

func main() {
	n := flag.Int("n", 1000000, "rows in the generated file")
	runs := flag.Int("runs", 3, "runs of each read measurement (the median is kept)")
	mode := flag.String("mode", "", "internal: the measurement a child process runs")
	file := flag.String("file", "", "internal: the file a child reads")
	dir := flag.String("dir", "", "internal: where a child keeps its database")
	cpuprofile := flag.String("cpuprofile", "", "with -mode: write a CPU profile of the child here")
	flag.Parse()
	if *mode != "" {
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
		if err := child(*mode, *file, *dir); err != nil {
			pprof.StopCPUProfile()
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := parent(*n, *runs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func parent(n, runs int) error {
	tmp, err := os.MkdirTemp("", "herald-bench-recipients-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "recipients.csv")
	size, err := generate(path, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "generated %d rows, %.1f MB\n", n, float64(size)/1e6)

	median := func(mode string) (result, error) {
		var rs []result
		for i := 0; i < runs; i++ {
			r, err := runChild(mode, path, tmp)
			if err != nil {
				return result{}, err
			}
			fmt.Fprintf(os.Stderr, "%s: %d rows in %.3fs, peak RSS %.0f MB\n", mode, r.Rows, r.Seconds, r.RSSMB)
			rs = append(rs, r)
		}
		slices.SortFunc(rs, func(a, b result) int {
			switch {
			case a.Seconds < b.Seconds:
				return -1
			case a.Seconds > b.Seconds:
				return 1
			}
			return 0
		})
		return rs[len(rs)/2], nil
	}
	bare, err := median("bare")
	if err != nil {
		return err
	}
	check, err := median("check")
	if err != nil {
		return err
	}
	imp, err := runChild("import", path, tmp)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "import: %d rows in %.3fs, peak RSS %.0f MB\n", imp.Rows, imp.Seconds, imp.RSSMB)
	out := map[string]any{
		"rows":                n,
		"columns":             6,
		"file_mb":             round(float64(size) / 1e6),
		"bare_csv_seconds":    round(bare.Seconds),
		"check_seconds":       round(check.Seconds),
		"check_ratio":         round(check.Seconds / bare.Seconds),
		"check_peak_rss_mb":   round(check.RSSMB),
		"import_seconds":      round(imp.Seconds),
		"import_rows_per_sec": int(float64(imp.Rows) / imp.Seconds),
		"import_peak_rss_mb":  round(imp.RSSMB),
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	return nil
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// runChild runs one measurement in a child process and adds its peak RSS.
func runChild(mode, path, dir string) (result, error) {
	self, err := os.Executable()
	if err != nil {
		return result{}, err
	}
	cmd := exec.Command(self, "-mode", mode, "-file", path, "-dir", dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return result{}, fmt.Errorf("%s: %w", mode, err)
	}
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		return result{}, fmt.Errorf("%s: %w: %s", mode, err, out)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.RSSMB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return r, nil
}

func child(mode, path, dir string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	var rows int
	if mode == "gen" { // write the benchmark's file and stop
		f.Close()
		_, err := generate(path, 1000000)
		return err
	}
	switch mode {
	case "bare":
		r := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
		r.FieldsPerRecord = -1
		r.ReuseRecord = true
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			rows++
		}
		rows-- // the header
	case "check":
		rep, err := csvfile.Check(f)
		if err != nil {
			return err
		}
		rows = rep.Rows
	case "import":
		db, err := store.Open(filepath.Join(dir, "import.db"), store.Options{})
		if err != nil {
			return err
		}
		defer db.Close()
		r, err := csvfile.NewReader(f)
		if err != nil {
			return err
		}
		start = time.Now()
		res, err := (&lists.Service{Store: db}).Import(context.Background(), "bench", r, lists.Replace, bot.Actor{})
		if err != nil {
			return err
		}
		rows = res.Added
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	return json.NewEncoder(os.Stdout).Encode(result{Rows: rows, Seconds: time.Since(start).Seconds()})
}

// generate writes a recipient file of n rows and 6 columns, like an LMS
// export: email, first and last name, city, company (quoted when it holds
// a comma) and a score.
func generate(path string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	first := []string{"Ana", "Bob", "Chloé", "David", "Élodie", "Farid", "Grace", "Hugo"}
	last := []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"}
	cities := []string{"Lyon", "Paris", "Nice", "Lille", "Nantes", "Saint-Étienne"}
	fmt.Fprintln(w, "email,first_name,last_name,city,company,score")
	for i := 0; i < n; i++ {
		company := fmt.Sprintf("Company %d", i%997)
		if i%10 == 0 {
			company = fmt.Sprintf("\"Acme %d, Inc.\"", i%997)
		}
		fmt.Fprintf(w, "user%07d@example%d.org,%s,%s,%s,%s,%d\n", i, i%50, first[i%len(first)], last[i%len(last)], cities[i%len(cities)], company, i%100)
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), f.Close()
}
