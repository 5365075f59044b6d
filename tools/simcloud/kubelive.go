package simcloud

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Live ConfigMaps, as the Kubernetes API server holds them: one object per cluster,
// namespace and name, whatever Pulumi resource (a ConfigMap, a ConfigMapPatch) or other
// writer (EKS, a person with kubectl) wrote it, with the field manager of every data
// key. ConfigMaps are the one kind two writers share in this model (EKS writes
// aws-auth when a node group joins; the platform writes it too), so they are the kind
// whose create is modelled as pulumi-kubernetes v4.33 does it (provider/pkg/await
// await.go Creation, since pulumi-kubernetes PR #4278, released in v4.29.0):
//
//   - a ConfigMap on a provider in server-side-apply mode without
//     upsertExistingObjects is created client-side, and an existing object fails with
//     AlreadyExists (also in preview, a dry-run create), as field manager
//     "pulumi-kubernetes" (operation Update);
//   - with upsertExistingObjects, and for a ConfigMapPatch always, create is a
//     server-side apply under the resource's own field manager, forced only with the
//     pulumi.com/patchForce annotation or the provider's enablePatchForce (a preview of
//     a create always forces, so a conflict shows only in the up);
//   - an update is a server-side apply too; for a ConfigMap (not a Patch) it first
//     moves the fields of kubectl's, before-first-apply's and the provider's own
//     client-side managers to the resource's manager (fixCSAFieldManagers);
//   - delete removes a ConfigMap, and a ConfigMapPatch gives up its fields
//     (ssa.Relinquish): a key no manager owns any more is removed.
//
// Server-side apply owns fields, not parts of them: data.mapRoles is one string, so
// the manager that last wrote a different value owns all of it, and an apply that
// would change it conflicts with that manager unless forced.
const liveConfigMapType = "live:v1/ConfigMap"

// liveConfigMap is a ConfigMap's data and the field managers ("name (Apply)",
// "name (Update)") of each key.
type liveConfigMap struct {
	Data   map[string]string   `json:"data"`
	Owners map[string][]string `json:"owners"`
}

func managerKey(name, operation string) string { return name + " (" + operation + ")" }

func managerName(key string) string {
	if i := strings.LastIndex(key, " ("); i >= 0 {
		return key[:i]
	}
	return key
}

func liveID(cluster, ns, name string) string { return cluster + "/" + ns + "/" + name }

// getLiveConfigMap returns the live object; it must run under locked.
func (l *ledger) getLiveConfigMap(cluster, ns, name string) (*liveConfigMap, bool) {
	o, ok := l.getObject(liveConfigMapType, liveID(cluster, ns, name))
	if !ok {
		return nil, false
	}
	var cm liveConfigMap
	if json.Unmarshal(o.Props, &cm) != nil {
		return nil, false
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	if cm.Owners == nil {
		cm.Owners = map[string][]string{}
	}
	return &cm, true
}

// putLiveConfigMap stores the live object; it must run under locked.
func (l *ledger) putLiveConfigMap(cluster, ns, name string, cm *liveConfigMap) error {
	b, err := json.Marshal(cm)
	if err != nil {
		return err
	}
	return l.putObject(object{Type: liveConfigMapType, ID: liveID(cluster, ns, name), Props: b})
}

func newLiveConfigMap() *liveConfigMap {
	return &liveConfigMap{Data: map[string]string{}, Owners: map[string][]string{}}
}

// apply is a server-side apply of data by manager: a key whose value it would change
// and that another manager owns is a conflict, unless forced (then the other managers
// lose it); a key it applied before and leaves out now is no longer its own, and is
// removed when no manager owns it.
func (cm *liveConfigMap) apply(manager string, data map[string]string, force bool) error {
	mk := managerKey(manager, "Apply")
	var conflicts []string
	for _, k := range sortedKeys(data) {
		if cur, ok := cm.Data[k]; !ok || cur == data[k] {
			continue
		}
		for _, o := range cm.Owners[k] {
			if o != mk {
				conflicts = append(conflicts, fmt.Sprintf("conflict with %q using v1: .data.%s", managerName(o), k))
			}
		}
	}
	if len(conflicts) > 0 && !force {
		noun := "conflict"
		if len(conflicts) > 1 {
			noun = "conflicts"
		}
		return fmt.Errorf("Apply failed with %d %s: %s", len(conflicts), noun, strings.Join(conflicts, "\n")) //nolint:staticcheck // the API server's own words, capital and all
	}
	for _, k := range sortedKeys(cm.Owners) {
		if _, keep := data[k]; keep {
			continue
		}
		cm.disown(k, mk)
	}
	for k, v := range data {
		if cur, ok := cm.Data[k]; ok && cur == v { // the same value: shared, forced or not
			if !slices.Contains(cm.Owners[k], mk) {
				cm.Owners[k] = append(cm.Owners[k], mk)
			}
			continue
		}
		cm.Data[k] = v
		cm.Owners[k] = []string{mk}
	}
	return nil
}

// disown drops manager from key's owners, and the key when no owner is left.
func (cm *liveConfigMap) disown(key, manager string) {
	owners := slices.DeleteFunc(slices.Clone(cm.Owners[key]), func(o string) bool { return o == manager })
	if len(owners) == 0 {
		delete(cm.Owners, key)
		delete(cm.Data, key)
		return
	}
	cm.Owners[key] = owners
}

// update is a write by an Update operation (kubectl edit, a client-go program, EKS):
// each key it changes is owned by that manager alone from then on.
func (cm *liveConfigMap) update(manager string, data map[string]string) {
	mk := managerKey(manager, "Update")
	for k, v := range data {
		if cur, ok := cm.Data[k]; ok && cur == v {
			continue
		}
		cm.Data[k] = v
		cm.Owners[k] = []string{mk}
	}
}

// csaManagers are the managers whose fields pulumi-kubernetes' fixCSAFieldManagers
// moves to a ConfigMap's own manager before an update (provider/pkg/await/await.go).
var csaManagers = []string{
	managerKey("kubectl", "Apply"), managerKey("kubectl", "Update"),
	managerKey("before-first-apply", "Update"), managerKey("pulumi-kubernetes", "Update"),
	managerKey("pulumi-kubernetes.exe", "Update"), managerKey("pulumi-resource-kubernetes", "Update"),
}

func (cm *liveConfigMap) takeCSAFields(manager string) {
	mk := managerKey(manager, "Apply")
	for k, owners := range cm.Owners {
		var out []string
		for _, o := range owners {
			if slices.Contains(csaManagers, o) {
				o = mk
			}
			if !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
		cm.Owners[k] = out
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// configMapIdentity reads a ConfigMap resource's namespace, name and data.
func configMapIdentity(r *res) (ns, name string, data map[string]string) {
	name = orDefault(str(r.Inputs, "metadata", "name"), r.Name)
	ns = orDefault(str(r.Inputs, "metadata", "namespace"), "default")
	data = map[string]string{}
	if d := get(r.Inputs, "data"); d.IsObject() {
		for k, v := range d.ObjectValue() {
			if v.IsSecret() {
				v = v.SecretValue().Element
			}
			if v.IsString() {
				data[string(k)] = v.StringValue()
			}
		}
	}
	return ns, name, data
}

// fieldManagerOf is the server-side apply field manager of a Pulumi resource: the
// pulumi.com/patchFieldManager annotation, else one of its own (the real provider
// draws "pulumi-kubernetes-<random>" in Check and keeps it in the state; here it is
// derived from the URN, so it is the same for the resource's whole life).
func fieldManagerOf(r *res) string {
	if v := str(r.Inputs, "metadata", "annotations", "pulumi.com/patchFieldManager"); v != "" {
		return v
	}
	h := sha256.Sum256([]byte(r.URN))
	return "pulumi-kubernetes-" + hex.EncodeToString(h[:4])
}

func annotationTrue(r *res, key string) bool {
	return str(r.Inputs, "metadata", "annotations", key) == "true"
}

// kubeFlag reads a boolean of the kubernetes provider's configuration.
func (s *Server) kubeFlag(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := get(s.config, key)
	return (v.IsBool() && v.BoolValue()) || (v.IsString() && v.StringValue() == "true")
}

func isConfigMapType(typ string) bool { return typ == typConfigMap || typ == typConfigMapPatch }

// ssaConflict wraps a conflict as the provider's handleSSAErr does.
func ssaConflict(err error, manager string) error {
	return errors.Join(
		errors.New("server-side apply field conflict detected, see https://www.pulumi.com/registry/packages/kubernetes/how-to-guides/managing-resources-with-server-side-apply/#handle-field-conflicts-on-existing-resources for troubleshooting help"),
		fmt.Errorf("The resource managed by field manager %q had an apply conflict: %w", manager, err)) //nolint:staticcheck // the provider's own words
}

// configMapCreate applies a create of r to the live object, as described above; in
// preview it changes nothing. It must run under locked. An unknown cluster (an
// ambient kubeconfig) is not modelled.
func (s *Server) configMapCreate(r *res, cluster string, preview bool) error {
	if cluster == "" {
		return nil
	}
	ns, name, data := configMapIdentity(r)
	cm, exists := s.ledger.getLiveConfigMap(cluster, ns, name)
	upsert := r.Type == typConfigMapPatch || s.kubeFlag("upsertExistingObjects")
	if !upsert {
		if exists {
			return fmt.Errorf(`configmaps %q already exists`, name)
		}
		if preview {
			return nil
		}
		cm = newLiveConfigMap()
		cm.update("pulumi-kubernetes", data)
		return s.ledger.putLiveConfigMap(cluster, ns, name, cm)
	}
	if preview {
		return nil
	}
	if !exists {
		cm = newLiveConfigMap()
	}
	manager := fieldManagerOf(r)
	force := annotationTrue(r, "pulumi.com/patchForce") || s.kubeFlag("enablePatchForce")
	if err := cm.apply(manager, data, force); err != nil {
		return ssaConflict(err, manager)
	}
	return s.ledger.putLiveConfigMap(cluster, ns, name, cm)
}

// configMapUpdate applies an update of r; it must run under locked.
func (s *Server) configMapUpdate(r *res, cluster string) error {
	if cluster == "" {
		return nil
	}
	ns, name, data := configMapIdentity(r)
	cm, ok := s.ledger.getLiveConfigMap(cluster, ns, name)
	if !ok {
		cm = newLiveConfigMap()
	}
	manager := fieldManagerOf(r)
	if r.Type == typConfigMap {
		cm.takeCSAFields(manager)
	}
	// An object no manager owns a field of (made before server-side apply) is taken.
	force := annotationTrue(r, "pulumi.com/patchForce") || s.kubeFlag("enablePatchForce") || len(cm.Owners) == 0
	if err := cm.apply(manager, data, force); err != nil {
		return ssaConflict(err, manager)
	}
	return s.ledger.putLiveConfigMap(cluster, ns, name, cm)
}

// configMapDelete applies a delete of r (whose Inputs hold the state); it must run
// under locked.
func (s *Server) configMapDelete(r *res, cluster string) error {
	if cluster == "" {
		return nil
	}
	ns, name, _ := configMapIdentity(r)
	if r.Type == typConfigMap {
		s.ledger.dropObject(liveConfigMapType, liveID(cluster, ns, name))
		return nil
	}
	cm, ok := s.ledger.getLiveConfigMap(cluster, ns, name)
	if !ok {
		return nil
	}
	if err := cm.apply(fieldManagerOf(r), map[string]string{}, false); err != nil {
		return err
	}
	return s.ledger.putLiveConfigMap(cluster, ns, name, cm)
}

// LiveConfigMap reads a live ConfigMap of the simulated cloud journalled at journal:
// its data and each key's field managers ("name (Apply)"); ok is false when it does
// not exist. For tests.
func LiveConfigMap(journal, cluster, ns, name string) (data map[string]string, owners map[string][]string, ok bool, err error) {
	l := newLedger(journal)
	err = l.locked(func() error {
		if cm, found := l.getLiveConfigMap(cluster, ns, name); found {
			data, owners, ok = cm.Data, cm.Owners, true
		}
		return nil
	})
	return data, owners, ok, err
}
