package simcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/kubeapi"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Out-of-band changes ("drift"): someone deletes or edits a resource in the
// AWS console, or the cluster autoscaler resizes a node group. A test writes
// a JSON file at the path in SIMCLOUD_DRIFT:
//
//	{"delete": ["<urn, resource name or id>", ...],
//	 "set":    {"<urn, resource name or id>": {"scalingConfig.desiredSize": 5}}}
//
// The next operation of any simulator process (Read, Create, Update, Delete)
// applies it to the simulated cloud under the journal lock, journals one
// "drift-delete" or "drift-set" line per change, and removes the file: each
// instruction is applied exactly once. Write it atomically (WriteDrift does),
// as a half-written file is an error. A target that matches no live resource,
// or more than one, is an error too, so a typo never silently drifts nothing.
//
// From then on Read reports the real state: a deleted resource comes back
// with an empty id (the engine drops it from the state on refresh) and a
// changed property comes back changed, in the outputs and in the inputs, as
// the Terraform-bridged providers extract inputs from what the API returns.
//
// EKS removes an access entry's access policy associations with it, so
// deleting an access entry deletes those too (journalled as drift-delete
// lines of their own). Nothing else cascades.

// Drift is the content of a SIMCLOUD_DRIFT file.
type Drift struct {
	Delete []string                  `json:"delete,omitempty"`
	Set    map[string]map[string]any `json:"set,omitempty"`
	// ConfigMapWrites are writes to live ConfigMaps from outside Pulumi (a person's
	// `kubectl edit`, another tool), keyed "<cluster>/<namespace>/<name>"
	// (kubelive.go): each key written is owned by the writer's field manager from then
	// on. The ConfigMap is made if it does not exist.
	ConfigMapWrites map[string]ConfigMapWrite `json:"configMapWrites,omitempty"`
	// Tag writes tags out of band, as CreateTags does (ec2tags.go): the VPC module or a
	// person tags a subnet. Applied after Delete, Set and ConfigMapWrites.
	Tag []TagDrift `json:"tag,omitempty"`
}

// ConfigMapWrite is one out-of-band write: the writer's field manager (an Update
// operation, as kubectl edit and client-go programs make) and the data it sets.
type ConfigMapWrite struct {
	Manager string            `json:"manager"`
	Data    map[string]string `json:"data"`
}

const (
	opDriftDelete = "drift-delete"
	opDriftSet    = "drift-set"
	typAccessEnt  = "aws:eks/accessEntry:AccessEntry"
	typPolicyAsc  = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
)

// WriteDrift writes d to path atomically (a temporary file, then a rename),
// for the simulator to apply at its next operation.
func WriteDrift(path string, d Drift) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// live is one resource that exists in the simulated cloud, with the journal
// line that created it.
type live struct{ Entry }

// liveResources lists what exists, from the journal: the latest successful
// create of every type and id whose instances are not all deleted.
func liveResources(entries []Entry) []live {
	w := replay(entries)
	last := map[string]Entry{}
	for _, e := range entries {
		if (e.Op == "create" || e.Op == opDriftTag) && e.Error == "" {
			last[e.Type+"\x00"+e.ID] = e
		}
	}
	var out []live
	for k, e := range last {
		if w.count[k] > 0 {
			out = append(out, live{e})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN+out[i].ID < out[j].URN+out[j].ID })
	return out
}

// resolve finds the one live resource target names: its URN, its resource
// name (the URN's last part) or its id.
func resolve(target string, ls []live) (live, error) {
	var found []live
	for _, l := range ls {
		if l.URN == target || l.Name == target || l.ID == target {
			found = append(found, l)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return live{}, fmt.Errorf("simcloud: SIMCLOUD_DRIFT: %q names no live resource", target)
	}
	var urns []string
	for _, f := range found {
		urns = append(urns, f.URN+" ("+f.ID+")")
	}
	return live{}, fmt.Errorf("simcloud: SIMCLOUD_DRIFT: %q is ambiguous: %s", target, strings.Join(urns, ", "))
}

// journalEntries is the whole journal; it must run under locked.
func (l *ledger) journalEntries() ([]Entry, error) {
	if l.path == "" {
		return append([]Entry(nil), l.entries...), nil
	}
	return ReadJournal(l.path)
}

// append journals e; it must run under locked.
func (l *ledger) append(e Entry) error {
	if l.path == "" {
		l.entries = append(l.entries, e)
		return nil
	}
	return appendLine(l.path, e)
}

// absorbDrift applies the SIMCLOUD_DRIFT file, if there is one.
func (s *Server) absorbDrift() error {
	path := s.opts.Drift
	if path == "" {
		return nil
	}
	return s.ledger.locked(func() error {
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		var d Drift
		if err := json.Unmarshal(b, &d); err != nil {
			return fmt.Errorf("simcloud: SIMCLOUD_DRIFT %s: %w", path, err)
		}
		if err := s.applyDrift(d); err != nil {
			return err
		}
		return os.Remove(path)
	})
}

// applyDrift changes the cloud as d says; it must run under locked. It checks
// every target before changing anything.
func (s *Server) applyDrift(d Drift) error {
	entries, err := s.ledger.journalEntries()
	if err != nil {
		return err
	}
	ls := liveResources(entries)
	var dels []live
	for _, target := range d.Delete {
		l, err := resolve(target, ls)
		if err != nil {
			return err
		}
		dels = append(dels, l)
		if l.Type == typAccessEnt { // EKS deletes the entry's policy associations with it
			for _, a := range ls {
				if a.Type == typPolicyAsc && strings.HasPrefix(a.ID, strings.Replace(l.ID, ":", "#", 1)+"#") {
					dels = append(dels, a)
				}
			}
		}
	}
	type set struct {
		l    live
		o    object
		in   resource.PropertyMap
		out  resource.PropertyMap
		what []string
	}
	var sets []set
	for _, target := range sortedDriftKeys(d.Set) {
		l, err := resolve(target, ls)
		if err != nil {
			return err
		}
		o, ok := s.ledger.getObject(l.Type, l.ID)
		if !ok {
			return fmt.Errorf("simcloud: SIMCLOUD_DRIFT: no recorded properties for %s", l.URN)
		}
		in, err := decodeMap(o.Inputs)
		if err != nil {
			return err
		}
		out, err := decodeMap(o.Props)
		if err != nil {
			return err
		}
		if isKubeObjectType(l.Type) {
			return fmt.Errorf("simcloud: SIMCLOUD_DRIFT: %s is a Kubernetes object, which its cluster's API server holds: change it with configMapWrites (a write under a field manager)", target)
		}
		st := set{l: l, o: o, in: in, out: out}
		for _, p := range sortedDriftKeys(d.Set[target]) {
			v := resource.NewPropertyValue(d.Set[target][p])
			path := strings.Split(p, ".")
			if err := setPath(out, path, v); err != nil {
				return fmt.Errorf("simcloud: SIMCLOUD_DRIFT: %s: %s: %w", target, p, err)
			}
			if in.HasValue(resource.PropertyKey(path[0])) {
				if err := setPath(in, path, v); err != nil {
					return fmt.Errorf("simcloud: SIMCLOUD_DRIFT: %s: %s: %w", target, p, err)
				}
			}
			b, _ := json.Marshal(d.Set[target][p])
			st.what = append(st.what, p+"="+string(b))
		}
		sets = append(sets, st)
	}

	t := nowMS()
	done := map[string]bool{}
	for _, l := range dels {
		k := l.Type + "\x00" + l.ID
		if done[k] {
			continue
		}
		done[k] = true
		detail := "deleted out of band"
		if l.Type == typPolicyAsc {
			detail = "deleted with its access entry"
		}
		if err := s.deleteKubeObjectOutOfBand(l); err != nil {
			return err
		}
		if err := s.ledger.append(Entry{Op: opDriftDelete, Type: l.Type, URN: l.URN, Name: l.Name,
			StartMS: t, EndMS: t, ID: l.ID, Cluster: l.Cluster, Detail: detail}); err != nil {
			return err
		}
		s.ledger.dropObject(l.Type, l.ID)
	}
	for _, st := range sets {
		ib, err := encodeMap(st.in)
		if err != nil {
			return err
		}
		pb, err := encodeMap(st.out)
		if err != nil {
			return err
		}
		st.o.Inputs, st.o.Props = ib, pb
		if err := s.ledger.putObject(st.o); err != nil {
			return err
		}
		if err := s.ledger.append(Entry{Op: opDriftSet, Type: st.l.Type, URN: st.l.URN, Name: st.l.Name,
			StartMS: t, EndMS: t, ID: st.l.ID, Cluster: st.l.Cluster, Detail: strings.Join(st.what, " ")}); err != nil {
			return err
		}
	}
	if err := s.applyConfigMapWrites(d.ConfigMapWrites, t); err != nil {
		return err
	}
	return s.applyTagDrift(d.Tag, t)
}

// applyConfigMapWrites writes the live ConfigMaps; it must run under locked.
func (s *Server) applyConfigMapWrites(writes map[string]ConfigMapWrite, t int64) error {
	for _, key := range sortedDriftKeys(writes) {
		parts := strings.SplitN(key, "/", 3)
		w := writes[key]
		if len(parts) != 3 || w.Manager == "" {
			return fmt.Errorf("simcloud: SIMCLOUD_DRIFT: configMapWrites %q: want \"<cluster>/<namespace>/<name>\" and a manager", key)
		}
		if err := s.writeConfigMap(context.Background(), parts[0], parts[1], parts[2], w.Manager, w.Data); err != nil {
			return err
		}
		if err := s.ledger.append(Entry{Op: opDriftSet, Type: typConfigMap, Name: parts[2], StartMS: t, EndMS: t,
			ID: parts[1] + "/" + parts[2], Cluster: parts[0], Detail: "written by " + w.Manager}); err != nil {
			return err
		}
	}
	return nil
}

func sortedDriftKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// setPath sets m at path (object keys, or array indexes), creating objects
// on the way; secret wrappers are kept.
func setPath(m resource.PropertyMap, path []string, v resource.PropertyValue) error {
	k := resource.PropertyKey(path[0])
	if len(path) == 1 {
		if cur, ok := m[k]; ok && cur.IsSecret() {
			v = resource.MakeSecret(v)
		}
		m[k] = v
		return nil
	}
	cur := m[k]
	secret := cur.IsSecret()
	if secret {
		cur = cur.SecretValue().Element
	}
	next, err := setIn(cur, path[1:], v)
	if err != nil {
		return err
	}
	if secret {
		next = resource.MakeSecret(next)
	}
	m[k] = next
	return nil
}

func setIn(cur resource.PropertyValue, path []string, v resource.PropertyValue) (resource.PropertyValue, error) {
	switch {
	case cur.IsArray():
		i, err := strconv.Atoi(path[0])
		arr := append([]resource.PropertyValue(nil), cur.ArrayValue()...)
		if err != nil || i < 0 || i >= len(arr) {
			return cur, fmt.Errorf("%q is not an index of a list of %d", path[0], len(arr))
		}
		if len(path) == 1 {
			arr[i] = v
			return resource.NewArrayProperty(arr), nil
		}
		e, err := setIn(arr[i], path[1:], v)
		arr[i] = e
		return resource.NewArrayProperty(arr), err
	case cur.IsObject():
		m := cur.ObjectValue().Copy()
		err := setPath(m, path, v)
		return resource.NewObjectProperty(m), err
	case cur.IsNull():
		m := resource.PropertyMap{}
		err := setPath(m, path, v)
		return resource.NewObjectProperty(m), err
	}
	return cur, fmt.Errorf("cannot set %s inside a %s", strings.Join(path, "."), cur.TypeString())
}

// Read reports the resource as the simulated cloud has it: the stored object
// (with any drift applied); an empty id when it was deleted, by the engine or
// out of band; the engine's own state for an id the simulator never created
// (a resource made outside the simulated cloud).
func (s *Server) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if err := s.absorbDrift(); err != nil {
		return nil, err
	}
	u := resource.URN(req.GetUrn())
	typ, id := string(u.Type()), req.GetId()
	resp := &pulumirpc.ReadResponse{Id: id, Properties: req.GetProperties(), Inputs: req.GetInputs()}
	detail := ""
	err := s.ledger.locked(func() error {
		v, err := s.ledger.load()
		if err != nil {
			return err
		}
		if o, ok := s.ledger.getObject(typ, id); ok && v.exists(typ, id) {
			in, err := decodeMap(o.Inputs)
			if err != nil {
				return err
			}
			out, err := decodeMap(o.Props)
			if err != nil {
				return err
			}
			if isKubeObjectType(typ) { // what its API server holds (kubeobjects.go)
				gone, err := s.kubeRead(ctx, typ, string(u), v, in, out)
				if err != nil || gone {
					resp, detail = &pulumirpc.ReadResponse{}, "not found"
					return err
				}
			}
			if resp.Properties, err = marshal(out); err != nil {
				return err
			}
			resp.Inputs, err = marshal(in)
			return err
		}
		if v.exists(typ, id) {
			return nil
		}
		entries, err := s.ledger.journalEntries()
		if err != nil || !everCreated(entries, typ, id) {
			return err
		}
		resp, detail = &pulumirpc.ReadResponse{}, "not found"
		return nil
	})
	if err != nil {
		return nil, err
	}
	t := nowMS()
	if err := s.ledger.record(Entry{Op: "read", Type: typ, URN: string(u), Name: urnName(u),
		StartMS: t, EndMS: t, ID: id, Detail: detail}); err != nil {
		return nil, err
	}
	return resp, nil
}

// everCreated reports whether the simulated cloud ever made the resource.
func everCreated(entries []Entry, typ, id string) bool {
	for _, e := range entries {
		if e.Op == "create" && e.Error == "" && e.Type == typ && e.ID == id {
			return true
		}
	}
	return false
}

// deleteKubeObjectOutOfBand deletes a Kubernetes object from its cluster's API server, as
// `kubectl delete` would (a Patch's object is not the resource's to delete: it is left);
// it must run under locked.
func (s *Server) deleteKubeObjectOutOfBand(l live) error {
	if !isKubeObjectType(l.Type) || isPatchType(l.Type) || l.Cluster == "" || s.opts.NoKubeAPI {
		return nil
	}
	o, ok := s.ledger.getObject(l.Type, l.ID)
	if !ok {
		return nil
	}
	in, err := decodeMap(o.Inputs)
	if err != nil {
		return err
	}
	obj, err := kubeBody(s.newRes(l.URN, in, nil))
	if err != nil {
		return err
	}
	ctx := context.Background()
	c, err := s.controlPlane(ctx, l.Cluster, false)
	if err != nil {
		return err
	}
	apiVersion, kind, ns, name := kubeIdentity(obj)
	if _, err := c.Delete(ctx, apiVersion, kind, ns, name); err != nil && !errors.Is(err, kubeapi.ErrNotServed) {
		return fmt.Errorf("simcloud: SIMCLOUD_DRIFT: deleting %s: %w", l.URN, err)
	}
	return nil
}
