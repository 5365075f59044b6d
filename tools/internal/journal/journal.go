// Package journal reads the simulated cloud's journal (one JSON line per
// provider operation, see tools/simcloud) and answers the questions the
// end-to-end tests, the demo and the bench ask of it: what was created or
// deleted, in which order, what overlapped in time, in which waves resources
// were created, and how the provisioning time compares with the lower bound
// given by the deployment's critical path.
//
// It is pure: it reads files and values, never runs anything.
package journal

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/tools/simcloud"
)

// Entry is one journal line.
type Entry = simcloud.Entry

// Journal is an ordered list of entries with lookups by op, type and name.
type Journal struct {
	Entries []Entry
}

// Read loads a journal file (a missing file is an empty journal).
func Read(path string) (*Journal, error) {
	es, err := simcloud.ReadJournal(path)
	if err != nil {
		return nil, err
	}
	return New(es), nil
}

// New wraps entries.
func New(es []Entry) *Journal { return &Journal{Entries: es} }

// Since returns the entries from index i on (tests take len(Entries) before a
// step and look only at what the step did).
func (j *Journal) Since(i int) *Journal {
	if i > len(j.Entries) {
		i = len(j.Entries)
	}
	return New(j.Entries[i:])
}

// Filter returns the entries for which keep is true.
func (j *Journal) Filter(keep func(Entry) bool) *Journal {
	var out []Entry
	for _, e := range j.Entries {
		if keep(e) {
			out = append(out, e)
		}
	}
	return New(out)
}

// Op returns the successful entries of one operation (create, update, delete, read).
func (j *Journal) Op(op string) *Journal {
	return j.Filter(func(e Entry) bool { return e.Op == op && e.Error == "" })
}

// Creates, Deletes and Updates are the successful entries of that operation.
func (j *Journal) Creates() *Journal { return j.Op("create") }
func (j *Journal) Deletes() *Journal { return j.Op("delete") }
func (j *Journal) Updates() *Journal { return j.Op("update") }

// Type returns the entries of one resource type.
func (j *Journal) Type(typ string) *Journal {
	return j.Filter(func(e Entry) bool { return e.Type == typ })
}

// Name returns the entries whose resource name (the URN's last part) is name.
func (j *Journal) Name(name string) *Journal {
	return j.Filter(func(e Entry) bool { return e.Name == name })
}

// NameContains returns the entries whose resource name contains s.
func (j *Journal) NameContains(s string) *Journal {
	return j.Filter(func(e Entry) bool { return strings.Contains(e.Name, s) })
}

// Errors are the entries that carry an error; Warnings those that carry a warning.
func (j *Journal) Errors() *Journal {
	return j.Filter(func(e Entry) bool { return e.Error != "" })
}
func (j *Journal) Warnings() *Journal {
	return j.Filter(func(e Entry) bool { return e.Warning != "" })
}

// Mutations are creates, updates and deletes (not reads or provider diffs).
func (j *Journal) Mutations() *Journal {
	return j.Filter(func(e Entry) bool { return e.Op == "create" || e.Op == "update" || e.Op == "delete" })
}

// Len is the number of entries.
func (j *Journal) Len() int { return len(j.Entries) }

// ByURN indexes entries by URN (several per URN when it was created, updated, deleted).
func (j *Journal) ByURN() map[string][]Entry {
	m := map[string][]Entry{}
	for _, e := range j.Entries {
		m[e.URN] = append(m[e.URN], e)
	}
	return m
}

// Names lists the distinct names, sorted.
func (j *Journal) Names() []string {
	seen := map[string]bool{}
	for _, e := range j.Entries {
		seen[e.Name] = true
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// CountByType counts entries per type.
func (j *Journal) CountByType() map[string]int {
	m := map[string]int{}
	for _, e := range j.Entries {
		m[e.Type]++
	}
	return m
}

// Span is the first start and last end of the entries (0, 0 when empty).
func (j *Journal) Span() (startMS, endMS int64) {
	for i, e := range j.Entries {
		if i == 0 || e.StartMS < startMS {
			startMS = e.StartMS
		}
		if e.EndMS > endMS {
			endMS = e.EndMS
		}
	}
	return startMS, endMS
}

// Before reports whether a ended no later than b started.
func Before(a, b Entry) bool { return a.EndMS <= b.StartMS }

// Overlap reports whether a and b ran at the same time for some positive time.
func Overlap(a, b Entry) bool { return a.StartMS < b.EndMS && b.StartMS < a.EndMS }

// Label is a short description of an entry for messages.
func Label(e Entry) string {
	return fmt.Sprintf("%s %s %s [%d,%d]ms", e.Op, e.Type, e.Name, e.StartMS, e.EndMS)
}

// Pair is two entries, for reporting violations.
type Pair struct{ A, B Entry }

func (p Pair) String() string { return Label(p.A) + " / " + Label(p.B) }

// NotBefore returns every pair (a in as, b in bs) where a did not end before b
// started: an empty result means all of as came strictly before all of bs.
func NotBefore(as, bs []Entry) []Pair {
	var out []Pair
	for _, a := range as {
		for _, b := range bs {
			if a.URN == b.URN {
				continue
			}
			if !Before(a, b) {
				out = append(out, Pair{a, b})
			}
		}
	}
	return out
}

// Overlaps returns every pair of entries of es that overlap in time.
func Overlaps(es []Entry) []Pair {
	var out []Pair
	s := slices.Clone(es)
	sort.Slice(s, func(i, k int) bool { return s[i].StartMS < s[k].StartMS })
	for i := range s {
		for k := i + 1; k < len(s) && s[k].StartMS < s[i].EndMS; k++ {
			if Overlap(s[i], s[k]) {
				out = append(out, Pair{s[i], s[k]})
			}
		}
	}
	return out
}

// MaxConcurrency is the largest number of entries of es running at one instant.
func MaxConcurrency(es []Entry) int {
	type ev struct {
		t int64
		d int
	}
	var evs []ev
	for _, e := range es {
		if e.EndMS <= e.StartMS {
			continue
		}
		evs = append(evs, ev{e.StartMS, 1}, ev{e.EndMS, -1})
	}
	sort.Slice(evs, func(i, k int) bool {
		if evs[i].t != evs[k].t {
			return evs[i].t < evs[k].t
		}
		return evs[i].d < evs[k].d // ends before starts at the same instant
	})
	cur, best := 0, 0
	for _, e := range evs {
		cur += e.d
		best = max(best, cur)
	}
	return best
}
