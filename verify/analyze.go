package verify

import (
	"math"
	"sort"
	"strings"
)

// Series is one monotonic series across all scrapes.
type Series struct {
	Name string `json:"series"`
	// Values per scrape; NaN (null in JSON) where the scrape did not contain the series.
	Values []float64 `json:"-"`
	// Backwards counts the steps where the value fell, or where the series vanished after
	// having been seen: both mean another process answered.
	Backwards int     `json:"backwards"`
	Min       float64 `json:"min"`
	Max       float64 `json:"max"`
	Last      float64 `json:"last"`
}

// PidGauge is a gauge family exported with one series per pid.
type PidGauge struct {
	Name string `json:"name"`
	// Series is the largest number of pid-labelled series seen in one scrape.
	Series int `json:"series"`
}

// Analysis is the verdict over a run of scrapes.
type Analysis struct {
	Scrapes int `json:"scrapes"`
	// Workers is the number of distinct process_start_time_seconds values seen: a lower bound
	// on the processes that answered (0 when the endpoint does not expose it).
	Workers   int        `json:"workers"`
	Series    []Series   `json:"counters"`
	PidGauges []PidGauge `json:"pid_gauges"`
	// Worst is the series shown as a sparkline: the one that went backwards most, else the
	// busiest one. Nil when there are no application counters.
	Worst *Series `json:"worst,omitempty"`
	// BackwardSeries counts series with Backwards > 0.
	BackwardSeries int `json:"backward_series"`
}

// Failed reports whether any application counter went backwards.
func (a *Analysis) Failed() bool { return a.BackwardSeries > 0 }

// Analyze compares consecutive snapshots.
func Analyze(snaps []*Snapshot) *Analysis {
	a := &Analysis{Scrapes: len(snaps)}

	starts := map[float64]bool{}
	pid := map[string]int{}
	names := map[string]bool{}
	for _, s := range snaps {
		if !math.IsNaN(s.StartTime) {
			starts[s.StartTime] = true
		}
		for n, c := range s.PidGauges {
			pid[n] = max(pid[n], c)
		}
		for n := range s.Counters {
			names[n] = true
		}
	}
	a.Workers = len(starts)
	for n, c := range pid {
		a.PidGauges = append(a.PidGauges, PidGauge{Name: n, Series: c})
	}
	sort.Slice(a.PidGauges, func(i, j int) bool { return a.PidGauges[i].Name < a.PidGauges[j].Name })

	for n := range names {
		a.Series = append(a.Series, track(n, snaps))
	}
	sort.Slice(a.Series, func(i, j int) bool { return worse(a.Series[i], a.Series[j]) })
	for _, s := range a.Series {
		if s.Backwards > 0 {
			a.BackwardSeries++
		}
	}
	if len(a.Series) > 0 {
		w := a.Series[0]
		if w.Backwards == 0 {
			w = busiest(a.Series)
		}
		a.Worst = &w
	}
	return a
}

func track(name string, snaps []*Snapshot) Series {
	s := Series{Name: name, Values: make([]float64, len(snaps)), Min: math.Inf(1), Max: math.Inf(-1)}
	seen := false
	prev := math.NaN()
	for i, snap := range snaps {
		v, ok := snap.Counters[name]
		if !ok {
			s.Values[i] = math.NaN()
			if seen && !math.IsNaN(prev) {
				s.Backwards++ // vanished: this process never saw it
			}
			prev = math.NaN()
			continue
		}
		s.Values[i] = v
		if !math.IsNaN(prev) && v < prev {
			s.Backwards++
		}
		seen = true
		prev = v
		s.Min = math.Min(s.Min, v)
		s.Max = math.Max(s.Max, v)
		s.Last = v
	}
	return s
}

// worse orders series by how clearly they show the bug: more backward steps, then a wider
// range, then name for a stable order.
func worse(x, y Series) bool {
	if x.Backwards != y.Backwards {
		return x.Backwards > y.Backwards
	}
	if rx, ry := rank(x.Name), rank(y.Name); rx != ry {
		return rx < ry // a counter reads better than a _count, a _count better than a bucket
	}
	if rx, ry := x.Max-x.Min, y.Max-y.Min; rx != ry {
		return rx > ry
	}
	return x.Name < y.Name
}

func busiest(all []Series) Series {
	best := all[0]
	for _, s := range all[1:] {
		if rank(s.Name) != rank(best.Name) {
			if rank(s.Name) < rank(best.Name) {
				best = s
			}
			continue
		}
		if s.Last > best.Last || (s.Last == best.Last && s.Name < best.Name) {
			best = s
		}
	}
	return best
}

// rank orders kinds of series for display: counters, then _count, then _bucket.
func rank(series string) int {
	name, _, _ := strings.Cut(series, "{")
	switch {
	case strings.HasSuffix(name, "_bucket"):
		return 2
	case strings.HasSuffix(name, "_count"):
		return 1
	}
	return 0
}
