package timeline

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Record is a run written to disk (the demo writes bin/demo/run.json): enough
// to draw its timeline again without running anything, and the form of the
// test fixture.
type Record struct {
	Title string   `json:"title"`
	Scale float64  `json:"scale"`
	Notes []string `json:"notes,omitempty"`
	// Resources is the stack's state after the up, slimmed to its graph
	// (journal.Graph.SlimResources: no inputs, outputs or secrets).
	Resources []apitype.ResourceV3 `json:"resources"`
	Phases    []Phase              `json:"phases"`
}

// NewRecord records a run.
func NewRecord(title string, scale float64, g *journal.Graph, notes []string, phases ...Phase) *Record {
	r := &Record{Title: title, Scale: scale, Notes: notes, Phases: append([]Phase(nil), phases...)}
	if g != nil {
		r.Resources = g.SlimResources()
	}
	for i := range r.Phases {
		r.Phases[i].Entries = Ops(r.Phases[i].Entries)
	}
	return r
}

// Timeline lays the record out.
func (r *Record) Timeline() *Timeline {
	t := New(r.Title, r.Scale, journal.NewGraph(r.Resources), r.Phases...)
	t.Notes = r.Notes
	return t
}

// Save writes the record as indented JSON.
func (r *Record) Save(path string) error {
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Load reads a record.
func Load(path string) (*Record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// WriteFile writes the timeline's page to path.
func (t *Timeline) WriteFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := t.WriteHTML(f); err != nil {
		_ = f.Close() // the write's error is the one to report
		return err
	}
	return f.Close()
}
