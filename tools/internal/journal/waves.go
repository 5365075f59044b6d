package journal

import (
	"sort"
	"time"
)

// Wave is a group of operations that ran together: every entry of a wave
// started before the wave's earlier entries had all finished, and the next
// wave starts only once this one is over.
type Wave struct {
	StartMS, EndMS int64
	Entries        []Entry
}

// Duration is the wall time from the wave's first start to its last end.
func (w Wave) Duration() time.Duration { return time.Duration(w.EndMS-w.StartMS) * time.Millisecond }

// WavesByTime groups entries (usually the creates of one `pulumi up`) into
// waves by start time: sorted by start, an entry joins the current wave when
// it starts before the wave has ended (plus slackMS, which absorbs the
// engine's few milliseconds between one operation's end and the next's
// start), else it opens a new wave.
func WavesByTime(es []Entry, slackMS int64) []Wave {
	s := append([]Entry(nil), es...)
	sort.SliceStable(s, func(i, k int) bool { return s[i].StartMS < s[k].StartMS })
	var out []Wave
	for _, e := range s {
		if n := len(out); n > 0 && e.StartMS < out[n-1].EndMS+slackMS {
			w := &out[n-1]
			w.Entries = append(w.Entries, e)
			w.EndMS = max(w.EndMS, e.EndMS)
			continue
		}
		out = append(out, Wave{StartMS: e.StartMS, EndMS: e.EndMS, Entries: []Entry{e}})
	}
	return out
}

// WavesByDepth groups entries by the dependency depth of their resource in g
// (Graph.Depth): wave 1 needs nothing simulated, wave 2 needs only wave 1, ...
// Entries whose URN is not in g are left out.
func WavesByDepth(es []Entry, g *Graph) []Wave {
	depth := g.Depth()
	byDepth := map[int][]Entry{}
	maxD := 0
	for _, e := range es {
		d, ok := depth[e.URN]
		if !ok {
			continue
		}
		byDepth[d] = append(byDepth[d], e)
		maxD = max(maxD, d)
	}
	var out []Wave
	for d := 1; d <= maxD; d++ {
		if len(byDepth[d]) == 0 {
			continue
		}
		w := Wave{Entries: byDepth[d]}
		for i, e := range w.Entries {
			if i == 0 || e.StartMS < w.StartMS {
				w.StartMS = e.StartMS
			}
			w.EndMS = max(w.EndMS, e.EndMS)
		}
		out = append(out, w)
	}
	return out
}

// SimMinutes converts a real duration measured at scale back to simulated
// minutes (scale 0.002: 1.08 s real is 9 simulated minutes).
func SimMinutes(d time.Duration, scale float64) float64 {
	if scale <= 0 {
		return 0
	}
	return d.Minutes() / scale
}
