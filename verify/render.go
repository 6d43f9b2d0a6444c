package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// maxRows keeps the table short: the sparkline and the counts tell the rest.
const maxRows = 10

var sparks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws one rune per value, scaled between the smallest and largest value; a
// missing value (NaN) is a space, a flat line sits in the middle.
func Sparkline(values []float64) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	var b strings.Builder
	for _, v := range values {
		switch {
		case math.IsNaN(v):
			b.WriteRune(' ')
		case hi == lo:
			b.WriteRune(sparks[len(sparks)/2-1])
		default:
			i := int(math.Round((v - lo) / (hi - lo) * float64(len(sparks)-1)))
			b.WriteRune(sparks[i])
		}
	}
	return b.String()
}

// WriteText prints the table, the pid gauges, the sparkline and the verdict.
func (r *Result) WriteText(w io.Writer) error {
	a := r.Analysis
	ew := &errWriter{w: w}
	ew.printf("verify %s: %d scrapes, %s apart\n", r.URL, a.Scrapes, r.Interval)
	switch a.Workers {
	case 0:
		ew.printf("workers answering: unknown (no process_start_time_seconds)\n")
	default:
		ew.printf("workers answering: %d (distinct process_start_time_seconds)\n", a.Workers)
	}
	for _, e := range r.ScrapeErrors {
		ew.printf("warning: %s\n", e)
	}
	ew.printf("application counters: %d series, %d went backwards\n", len(a.Series), a.BackwardSeries)
	if len(a.Series) > 0 {
		if err := writeSeriesTable(ew, a.Series); err != nil {
			return err
		}
	}
	if len(a.PidGauges) > 0 {
		ew.printf("\ngauges with a pid label (multiprocess_mode \"all\": one series per worker, dead workers kept):\n")
		for _, g := range a.PidGauges {
			ew.printf("  %s  %d series\n", g.Name, g.Series)
		}
	}
	if a.Worst != nil {
		label := "worst"
		if a.Worst.Backwards == 0 {
			label = "busiest"
		}
		ew.printf("\n%s  %s  %s  %g..%g\n", label, a.Worst.Name, Sparkline(a.Worst.Values), a.Worst.Min, a.Worst.Max)
	}
	ew.printf("\n")
	switch {
	case a.Failed():
		ew.printf("FAIL: %d counter series went backwards between scrapes: each scrape is answered by one worker's own memory. Run `multiprom check` on the project.\n", a.BackwardSeries)
	case len(a.Series) == 0:
		ew.printf("ok: no application counters to compare (only per-process collector metrics)\n")
	default:
		ew.printf("ok: no application counter went backwards in %d scrapes\n", a.Scrapes)
	}
	return ew.err
}

// jsonSeries is Series with NaN values as nulls, which JSON can carry.
type jsonSeries struct {
	Series
	Values []*float64 `json:"values"`
}

// WriteJSON prints the result as one JSON object.
func (r *Result) WriteJSON(w io.Writer) error {
	out := struct {
		URL            string       `json:"url"`
		Scrapes        int          `json:"scrapes"`
		IntervalMillis int64        `json:"interval_ms"`
		Workers        int          `json:"workers"`
		OK             bool         `json:"ok"`
		BackwardSeries int          `json:"backward_series"`
		Counters       []jsonSeries `json:"counters"`
		PidGauges      []PidGauge   `json:"pid_gauges"`
		Worst          *jsonSeries  `json:"worst,omitempty"`
		Sparkline      string       `json:"sparkline,omitempty"`
		ScrapeErrors   []string     `json:"scrape_errors,omitempty"`
	}{
		URL: r.URL, Scrapes: r.Scrapes, IntervalMillis: r.Interval.Milliseconds(), Workers: r.Workers,
		OK: !r.Failed(), BackwardSeries: r.BackwardSeries, PidGauges: r.PidGauges,
		Counters: []jsonSeries{}, ScrapeErrors: r.ScrapeErrors,
	}
	if out.PidGauges == nil {
		out.PidGauges = []PidGauge{}
	}
	for _, s := range r.Series {
		out.Counters = append(out.Counters, toJSON(s))
	}
	if r.Worst != nil {
		js := toJSON(*r.Worst)
		out.Worst = &js
		out.Sparkline = Sparkline(r.Worst.Values)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

func toJSON(s Series) jsonSeries {
	js := jsonSeries{Series: s, Values: make([]*float64, len(s.Values))}
	for i, v := range s.Values {
		if !math.IsNaN(v) {
			js.Values[i] = &v
		}
	}
	return js
}

// errWriter keeps the first write error so the text renderer reads straight.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

// writeSeriesTable lists counters and _count series; histogram buckets move with their
// _count, so they are summarised in one line instead of drowning the table.
func writeSeriesTable(w io.Writer, all []Series) error {
	var rows []Series
	buckets, backBuckets := 0, 0
	for _, s := range all {
		if rank(s.Name) == 2 {
			buckets++
			if s.Backwards > 0 {
				backBuckets++
			}
			continue
		}
		rows = append(rows, s)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERIES\tBACKWARDS\tMIN\tMAX\tLAST")
	for i, s := range rows {
		if i == maxRows {
			break
		}
		fmt.Fprintf(tw, "%s\t%d\t%g\t%g\t%g\n", s.Name, s.Backwards, s.Min, s.Max, s.Last)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing table: %w", err)
	}
	if len(rows) > maxRows {
		fmt.Fprintf(w, "... %d more\n", len(rows)-maxRows)
	}
	if buckets > 0 {
		fmt.Fprintf(w, "(+ %d histogram bucket series, %d went backwards)\n", buckets, backBuckets)
	}
	return nil
}
