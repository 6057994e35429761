package plotchart_test

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/heraldchat/herald/plotchart"
)

var update = flag.Bool("update", false, "write the golden chart")

// The chart of a 3-answer question is pinned by a golden image, within a
// tolerance for font rasterising: its size, and at most 1% of its pixels
// off by more than a little.
func TestBarsGolden(t *testing.T) {
	data, err := plotchart.Bars("How was the session?", []string{"Great", "OK", "Bad"}, []int{6, 3, 1}, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if w := got.Bounds().Dx(); w != plotchart.Width {
		t.Fatalf("width %d, want %d", w, plotchart.Width)
	}
	golden := filepath.Join("testdata", "bars.png")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds() != want.Bounds() {
		t.Fatalf("size %v, want %v", got.Bounds(), want.Bounds())
	}
	if off := differ(got, want); off > got.Bounds().Dx()*got.Bounds().Dy()/100 {
		t.Fatalf("%d pixels differ from the golden chart (run with -update after checking it by eye)", off)
	}
}

// differ counts the pixels whose colour is off by more than a little.
func differ(a, b image.Image) int {
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if d(r1, r2)+d(g1, g2)+d(b1, b2) > 3*0x1000 {
				n++
			}
		}
	}
	return n
}

func d(x, y uint32) uint32 {
	if x > y {
		return x - y
	}
	return y - x
}

// A question nobody answered still draws; labels and counts that do not
// match are refused.
func TestBarsEdges(t *testing.T) {
	if _, err := plotchart.Bars("Nobody yet", []string{"A", "B"}, []int{0, 0}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := plotchart.Bars("Bad", []string{"A"}, []int{1, 2}, 0); err == nil {
		t.Fatal("mismatched labels and counts drew a chart")
	}
}
