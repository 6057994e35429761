// Package plotchart draws a survey question's answers as a bar chart in
// PNG, with gonum's plot (pure Go, no browser): the question as title,
// one bar per answer with its count and share, in colours that people
// with the common colour-vision deficiencies tell apart (Okabe and Ito's
// palette), legible at 600 pixels wide.
package plotchart

import (
	"bytes"
	"fmt"
	"image/color"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/heraldchat/herald/bot"
)

// Width is a chart's width in pixels; its height grows with the answers.
const Width = 600

// palette is Okabe and Ito's colour-blind-safe palette (without black).
var palette = []color.RGBA{
	{0xE6, 0x9F, 0x00, 0xff}, {0x56, 0xB4, 0xE9, 0xff}, {0x00, 0x9E, 0x73, 0xff}, {0xF0, 0xE4, 0x42, 0xff},
	{0x00, 0x72, 0xB2, 0xff}, {0xD5, 0x5E, 0x00, 0xff}, {0xCC, 0x79, 0xA7, 0xff},
}

// Bars draws title's answers: one horizontal bar per label, with
// "count (share%)" at the bar's end, the share out of of (the people who
// answered: a multiple choice's shares add up past 100%), or out of the
// counts' sum when of is 0. labels and counts have the same length (at
// least one).
func Bars(title string, labels []string, counts []int, of int) ([]byte, error) {
	if len(labels) == 0 || len(labels) != len(counts) {
		return nil, bot.Errorf(bot.EINVALID, "a chart needs as many counts as labels, at least one")
	}
	total := of
	if total <= 0 {
		for _, n := range counts {
			total += n
		}
	}
	p := plot.New()
	p.Title.Text = wrap(title, 60)
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.X.Label.Text = fmt.Sprintf("%d answered", total)
	p.X.Min = 0
	p.X.Max = float64(max(1, maxOf(counts))) * 1.3 // room for the labels at the bars' ends
	p.X.Tick.Marker = plot.ConstantTicks(nil)      // the counts are at the bars' ends
	p.X.LineStyle.Width = 0
	p.Title.Padding = vg.Points(8)
	p.HideY()
	n := len(labels)
	for i := range n {
		// The first answer on top: bars are drawn bottom up.
		row := n - 1 - i
		bar, err := plotter.NewBarChart(plotter.Values{float64(counts[i])}, vg.Points(22))
		if err != nil {
			return nil, bot.Errorf(bot.EINTERNAL, "drawing a chart: %v", err)
		}
		bar.Horizontal = true
		bar.Color = palette[i%len(palette)]
		bar.LineStyle.Width = 0
		bar.Offset = vg.Points(float64(row) * 30)
		p.Add(bar)
		pct := 0
		if total > 0 {
			pct = (counts[i]*100 + total/2) / total
		}
		lbl, err := plotter.NewLabels(plotter.XYLabels{
			XYs:    []plotter.XY{{X: float64(counts[i]), Y: 0}},
			Labels: []string{fmt.Sprintf("  %s — %d (%d%%)", clip(labels[i], 40), counts[i], pct)},
		})
		if err != nil {
			return nil, bot.Errorf(bot.EINTERNAL, "drawing a chart: %v", err)
		}
		for j := range lbl.TextStyle {
			lbl.TextStyle[j].Font.Size = vg.Points(11)
			lbl.TextStyle[j].YAlign = draw.YCenter
		}
		lbl.Offset = vg.Point{Y: vg.Points(float64(row) * 30)}
		p.Add(lbl)
	}
	height := vg.Points(float64(110 + 30*n))
	c := vgimg.NewWith(vgimg.UseWH(vg.Points(Width*0.75), height*0.75), vgimg.UseDPI(96))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, bot.Errorf(bot.EINTERNAL, "writing a chart: %v", err)
	}
	return buf.Bytes(), nil
}

func maxOf(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// clip cuts s to n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// wrap breaks s into lines of at most n characters, at spaces.
func wrap(s string, n int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > n {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), "\n")
}
