package simcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func TestJournalLinesAreValidOrderedJSON(t *testing.T) {
	j := tempJournal(t)
	servers := []*Server{newServer(t, "aws", j, ""), newServer(t, "aws", j, "")}
	var wg sync.WaitGroup
	for i := range 40 { // concurrent appends from two "processes"
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := strings.Repeat("r", 1+i%7) + string(rune('a'+i%26)) + string(rune('0'+i/26))
			_, _, _ = create(t, servers[i%2], "aws:iam/role:Role", name, map[string]any{"name": name})
		}()
	}
	wg.Wait()
	id, out := mustCreate(t, servers[0], typCluster, "c", clusterInputs("demo"))
	if _, err := servers[0].Delete(context.Background(), &pulumirpc.DeleteRequest{
		Id: id, Urn: urnOf(typCluster, "c"), Properties: props(t, out.Mappable()),
	}); err != nil {
		t.Fatal(err)
	}

	b, err := os.ReadFile(j)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
	if len(lines) != 42 {
		t.Fatalf("%d lines, want 42", len(lines))
	}
	prefix := []string{`{"op":`, `,"type":`, `,"urn":`, `,"name":`, `,"start_ms":`, `,"end_ms":`}
	for _, l := range lines {
		var e Entry
		if !json.Valid(l) || json.Unmarshal(l, &e) != nil || len(l) >= 4096 {
			t.Fatalf("bad line %s", l)
		}
		rest := string(l)
		for _, p := range prefix { // required fields, in order
			i := strings.Index(rest, p)
			if i < 0 {
				t.Fatalf("line %s: %s missing or out of order", l, p)
			}
			rest = rest[i+len(p):]
		}
		if e.EndMS < e.StartMS || e.StartMS == 0 {
			t.Errorf("times in %s", l)
		}
	}
	last := readJournal(t, j)[41]
	if last.Op != "delete" || last.ID != "demo" || last.Cluster != "demo" || last.EndMS-last.StartMS < 50 {
		t.Errorf("delete entry %+v", last)
	}
}

func TestLongErrorsAreShortenedBelowOneWrite(t *testing.T) {
	l := encodeLine(Entry{Op: "create", Type: "t", URN: "u", Name: "n", Error: strings.Repeat("x", 10000)})
	if len(l) >= 4096 || !json.Valid(bytes.TrimSpace(l)) {
		t.Errorf("line of %d bytes", len(l))
	}
}
