package simcloud

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/kubeapi"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"gopkg.in/yaml.v3"
)

// The kubernetes personality applies every Kubernetes object the platform registers
// (every kubernetes:* type but Helm releases, helmkube.go) to the real API server of the
// cluster its provider's kubeconfig points at (controlplane.go), as pulumi-kubernetes
// v4.33 does with enableServerSideApply (provider/pkg/await await.go; pulumi-kubernetes
// PR #4278, released in v4.29.0):
//
//   - create, without upsertExistingObjects and for a non-Patch type, is a client-side
//     create (POST) as field manager "pulumi-kubernetes" (operation Update): an existing
//     object fails with AlreadyExists (also in preview, a dry-run create);
//   - with upsertExistingObjects, and for a *Patch type always, create is a server-side
//     apply under the resource's own field manager ("pulumi-kubernetes-<random>", drawn
//     in Check; fieldManagerOf), forced only with the pulumi.com/patchForce annotation or
//     the provider's enablePatchForce (a preview forces, so a conflict shows in the up);
//   - update is a server-side apply too; for a non-Patch type it first moves the fields
//     of kubectl's, before-first-apply's and the provider's own client-side managers to
//     the resource's manager (fixCSAFieldManagers, a JSON patch of managedFields);
//   - delete deletes a non-Patch object, and a Patch gives up its fields (ssa.Relinquish:
//     an apply of the bare identity under its manager);
//   - a CustomResourceDefinition's create or update waits until it is Established;
//   - read reports the live object, or that it is gone.
//
// Every refusal is the API server's own (schema, CEL, conflicts, AlreadyExists), returned
// as the resource's error. A preview meets a kind whose CRD is not installed yet, or a
// cluster not created yet, and validates nothing then, as the provider does.
//
// A kubeconfig the simulated cloud does not know (an ambient one, cluster "") reaches no
// API server: its objects are only recorded, as before the test bed had one.

// kubeTarget is the API server the provider's kubeconfig names, once connected.
type kubeTarget struct {
	mu      sync.Mutex
	cluster string
	client  *kubeapi.Client
}

// isKubeObjectType: a Kubernetes object the API server stores (not a Helm release).
func isKubeObjectType(typ string) bool {
	return strings.HasPrefix(typ, "kubernetes:") && !strings.HasPrefix(typ, "kubernetes:helm.sh/") &&
		!strings.HasPrefix(typ, "kubernetes:yaml/") && !strings.HasPrefix(typ, "kubernetes:kustomize/")
}

func isPatchType(typ string) bool { return isKubeObjectType(typ) && strings.HasSuffix(typ, "Patch") }

// kubeClient connects as the provider's kubeconfig says: its server, its CA data and the
// token its user yields. With start false (a preview), a control plane not started yet
// gives no client and no error.
func (s *Server) kubeClient(ctx context.Context, cluster string, start bool) (*kubeapi.Client, error) {
	if s.opts.NoKubeAPI {
		return nil, nil
	}
	s.kube.mu.Lock()
	defer s.kube.mu.Unlock()
	if s.kube.client != nil && s.kube.cluster == cluster {
		return s.kube.client, nil
	}
	if !start {
		if _, _, ok := s.knownClusterAddress(cluster); !ok {
			return nil, nil
		}
	}
	// The cluster's control plane runs (started here if this run has not yet).
	if _, err := s.controlPlane(ctx, cluster, false); err != nil {
		return nil, err
	}
	s.mu.Lock()
	kv := get(s.config, "kubeconfig")
	s.mu.Unlock()
	server, ca, token, err := kubeconfigCredentials(kv)
	if err != nil {
		return nil, err
	}
	c, err := kubeapi.NewClient(server, ca, token)
	if err != nil {
		return nil, fmt.Errorf("simcloud: kubeconfig: %w", err)
	}
	s.kube.cluster, s.kube.client = cluster, c
	return c, nil
}

// kubeconfigCredentials reads the current context's server, CA and the token its user
// gives: a static token, or the exec of `aws eks get-token --cluster-name <c>`, answered
// as the simulated aws CLI would (eksToken). An exec of anything else gives nothing.
func kubeconfigCredentials(kv resource.PropertyValue) (server string, ca []byte, token string, err error) {
	if kv.IsSecret() {
		kv = kv.SecretValue().Element
	}
	var raw []byte
	switch {
	case kv.IsString():
		raw = []byte(kv.StringValue())
	case kv.IsObject():
		raw, _ = json.Marshal(kv.ObjectValue().Mappable())
	default:
		return "", nil, "", errors.New("simcloud: the kubernetes provider has no kubeconfig")
	}
	var kc struct {
		CurrentContext string `yaml:"current-context"`
		Clusters       []struct {
			Name    string `yaml:"name"`
			Cluster struct {
				Server string `yaml:"server"`
				CAData string `yaml:"certificate-authority-data"`
			} `yaml:"cluster"`
		} `yaml:"clusters"`
		Contexts []struct {
			Name    string `yaml:"name"`
			Context struct {
				Cluster string `yaml:"cluster"`
				User    string `yaml:"user"`
			} `yaml:"context"`
		} `yaml:"contexts"`
		Users []struct {
			Name string `yaml:"name"`
			User struct {
				Token string `yaml:"token"`
				Exec  *struct {
					Command string   `yaml:"command"`
					Args    []string `yaml:"args"`
				} `yaml:"exec"`
			} `yaml:"user"`
		} `yaml:"users"`
	}
	if err := yaml.Unmarshal(raw, &kc); err != nil {
		return "", nil, "", fmt.Errorf("simcloud: kubeconfig: %w", err)
	}
	var clusterName, userName string
	for _, c := range kc.Contexts {
		if c.Name == kc.CurrentContext {
			clusterName, userName = c.Context.Cluster, c.Context.User
		}
	}
	for _, c := range kc.Clusters {
		if c.Name == clusterName {
			server = c.Cluster.Server
			if ca, err = base64.StdEncoding.DecodeString(c.Cluster.CAData); err != nil {
				return "", nil, "", fmt.Errorf("simcloud: kubeconfig: certificate-authority-data: %w", err)
			}
		}
	}
	for _, u := range kc.Users {
		if u.Name != userName {
			continue
		}
		token = u.User.Token
		if e := u.User.Exec; token == "" && e != nil && e.Command == "aws" {
			if m := clusterNameArg.FindStringSubmatch(strings.Join(e.Args, " ")); m != nil &&
				strings.Contains(strings.Join(e.Args, " "), "eks get-token") {
				token = eksToken(m[1])
			}
		}
	}
	if server == "" {
		return "", nil, "", fmt.Errorf("simcloud: kubeconfig: context %q names no cluster with a server", kc.CurrentContext)
	}
	return server, ca, token, nil
}

// kubeBody is the object a resource's inputs describe, as the provider sends it: its
// apiVersion and kind from the type token unless given, its name (the URN's when none
// is given: the simulator autonames nothing), no secrets wrappers and no provider keys.
func kubeBody(r *res) (map[string]any, error) {
	st, err := plugin.MarshalProperties(r.Inputs, plugin.MarshalOptions{SkipNulls: true, KeepSecrets: false})
	if err != nil {
		return nil, err
	}
	obj := st.AsMap()
	for k := range obj {
		if strings.HasPrefix(k, "__") {
			delete(obj, k)
		}
	}
	tok := strings.Split(r.Type, ":") // kubernetes:<group>/<version>:<Kind>
	if len(tok) == 3 {
		gv := strings.TrimPrefix(tok[1], "core/")
		if _, ok := obj["apiVersion"].(string); !ok {
			obj["apiVersion"] = gv
		}
		if _, ok := obj["kind"].(string); !ok {
			obj["kind"] = strings.TrimSuffix(tok[2], "Patch")
		}
	}
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	if n, _ := meta["name"].(string); n == "" {
		meta["name"] = r.Name
	}
	return obj, nil
}

// kubeTarget is r's cluster client and r's object; a nil client (no API server:
// SIMCLOUD_KUBE_API=off) means the simulator's record stands alone.
func (s *Server) kubeTarget(ctx context.Context, r *res, cluster string, start bool) (*kubeapi.Client, map[string]any, error) {
	c, err := s.kubeClient(ctx, cluster, start)
	if err != nil || c == nil {
		return nil, nil, err
	}
	obj, err := kubeBody(r)
	return c, obj, err
}

// kubeCreate creates r's object in cluster's API server as described above.
func (s *Server) kubeCreate(ctx context.Context, r *res, cluster string, preview bool) error {
	c, obj, err := s.kubeTarget(ctx, r, cluster, !preview)
	if err != nil || c == nil {
		return err
	}
	upsert := isPatchType(r.Type) || s.kubeFlag("upsertExistingObjects")
	manager := fieldManagerOf(r)
	if upsert {
		force := preview || annotationTrue(r, "pulumi.com/patchForce") || s.kubeFlag("enablePatchForce")
		_, err = c.Apply(ctx, obj, kubeapi.ApplyOptions{FieldManager: manager, Force: force, DryRun: preview})
	} else {
		_, err = c.Create(ctx, obj, "pulumi-kubernetes", preview)
	}
	if err = kubeError(err, manager, preview); err != nil {
		return err
	}
	return waitCRD(ctx, c, r, obj, preview)
}

// kubeUpdate applies r's new object.
func (s *Server) kubeUpdate(ctx context.Context, r *res, cluster string, preview bool) error {
	c, obj, err := s.kubeTarget(ctx, r, cluster, !preview)
	if err != nil || c == nil {
		return err
	}
	manager := fieldManagerOf(r)
	if !preview && !isPatchType(r.Type) {
		if err := takeCSAFields(ctx, c, obj, manager); err != nil {
			return err
		}
	}
	force := preview || annotationTrue(r, "pulumi.com/patchForce") || s.kubeFlag("enablePatchForce")
	_, err = c.Apply(ctx, obj, kubeapi.ApplyOptions{FieldManager: manager, Force: force, DryRun: preview})
	if err = kubeError(err, manager, preview); err != nil {
		return err
	}
	return waitCRD(ctx, c, r, obj, preview)
}

// kubeDelete deletes r's object (r.Inputs holds the state), or gives up a Patch's fields.
func (s *Server) kubeDelete(ctx context.Context, r *res, cluster string) error {
	c, obj, err := s.kubeTarget(ctx, r, cluster, true)
	if err != nil || c == nil {
		return err
	}
	apiVersion, kind, ns, name := kubeIdentity(obj)
	if isPatchType(r.Type) {
		bare := map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": name, "namespace": ns}}
		_, err := c.Apply(ctx, bare, kubeapi.ApplyOptions{FieldManager: fieldManagerOf(r)})
		if kubeapi.IsNotFound(err) || errors.Is(err, kubeapi.ErrNotServed) {
			return nil
		}
		return err
	}
	_, err = c.Delete(ctx, apiVersion, kind, ns, name)
	if errors.Is(err, kubeapi.ErrNotServed) { // its CRD went first: the object went with it
		return nil
	}
	return err
}

// kubeLive reads r's object from the API server; found is false when it is gone.
func (s *Server) kubeLive(ctx context.Context, r *res, cluster string) (obj map[string]any, found bool, err error) {
	c, err := s.kubeClient(ctx, cluster, true)
	if err != nil {
		return nil, false, err
	}
	if c == nil { // no API server (SIMCLOUD_KUBE_API=off): the record stands
		return nil, true, nil
	}
	body, err := kubeBody(r)
	if err != nil {
		return nil, false, err
	}
	apiVersion, kind, ns, name := kubeIdentity(body)
	obj, found, err = c.Get(ctx, apiVersion, kind, ns, name)
	if errors.Is(err, kubeapi.ErrNotServed) {
		return nil, false, nil
	}
	return obj, found, err
}

func kubeIdentity(obj map[string]any) (apiVersion, kind, ns, name string) {
	apiVersion, _ = obj["apiVersion"].(string)
	kind, _ = obj["kind"].(string)
	meta, _ := obj["metadata"].(map[string]any)
	ns, _ = meta["namespace"].(string)
	name, _ = meta["name"].(string)
	return apiVersion, kind, ns, name
}

// kubeError turns the server's answer into the provider's error: a field conflict as
// handleSSAErr words it; in preview, a kind not served yet (its CRD is created in this
// update) or a namespace not made yet validates nothing, as the provider skips them.
func kubeError(err error, manager string, preview bool) error {
	switch {
	case err == nil:
		return nil
	case preview && (errors.Is(err, kubeapi.ErrNotServed) || kubeapi.IsNotFound(err)):
		return nil
	case kubeapi.IsConflict(err):
		var se *kubeapi.StatusError
		errors.As(err, &se)
		return ssaConflict(errors.New(se.Message), manager)
	}
	var se *kubeapi.StatusError
	if errors.As(err, &se) {
		return errors.New(se.Message)
	}
	return err
}

// waitCRD waits until a CustomResourceDefinition is Established, as the provider's
// await logic does, so custom resources of it can follow.
func waitCRD(ctx context.Context, c *kubeapi.Client, r *res, obj map[string]any, preview bool) error {
	if preview || r.Type != typCRD {
		return nil
	}
	_, _, _, name := kubeIdentity(obj)
	return c.WaitEstablished(ctx, name)
}

// takeCSAFields moves the fields of client-side managers (csaManagers) to manager, as
// fixCSAFieldManagers does before a ConfigMap's or any object's first server-side apply.
func takeCSAFields(ctx context.Context, c *kubeapi.Client, obj map[string]any, manager string) error {
	apiVersion, kind, ns, name := kubeIdentity(obj)
	live, found, err := c.Get(ctx, apiVersion, kind, ns, name)
	if err != nil || !found {
		return err
	}
	meta, _ := live["metadata"].(map[string]any)
	entries, _ := meta["managedFields"].([]any)
	var merged map[string]any
	var keep []any
	changed := false
	for _, e := range entries {
		m, _ := e.(map[string]any)
		mgr, _ := m["manager"].(string)
		op, _ := m["operation"].(string)
		isCSA := false
		for _, k := range csaManagers {
			if managerKey(mgr, op) == k {
				isCSA = true
			}
		}
		if mgr == manager && op == "Apply" || isCSA {
			if isCSA {
				changed = true
			}
			fields, _ := m["fieldsV1"].(map[string]any)
			merged = mergeFields(merged, fields)
			continue
		}
		keep = append(keep, m)
	}
	if !changed {
		return nil
	}
	keep = append(keep, map[string]any{"manager": manager, "operation": "Apply", "apiVersion": apiVersion,
		"fieldsType": "FieldsV1", "fieldsV1": merged})
	_, err = c.JSONPatch(ctx, apiVersion, kind, ns, name, []map[string]any{
		{"op": "test", "path": "/metadata/resourceVersion", "value": meta["resourceVersion"]},
		{"op": "replace", "path": "/metadata/managedFields", "value": keep},
	})
	return err
}

// mergeFields is the union of two FieldsV1 sets.
func mergeFields(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range []map[string]any{a, b} {
		for k, v := range m {
			vm, _ := v.(map[string]any)
			om, _ := out[k].(map[string]any)
			out[k] = mergeFields(om, vm)
		}
	}
	return out
}

// csaManagers are the managers whose fields pulumi-kubernetes' fixCSAFieldManagers
// moves to an object's own manager before an update (provider/pkg/await/await.go).
var csaManagers = []string{
	managerKey("kubectl", "Apply"), managerKey("kubectl", "Update"),
	managerKey("before-first-apply", "Update"), managerKey("pulumi-kubernetes", "Update"),
	managerKey("pulumi-kubernetes.exe", "Update"), managerKey("pulumi-resource-kubernetes", "Update"),
}

func managerKey(name, operation string) string { return name + " (" + operation + ")" }

// kubeRead overlays what the API server holds on a kube object's recorded inputs and
// properties, for refresh and drift: each top-level field the inputs set (data, spec...)
// takes the live value, pruned to the fields the inputs name, as the provider prunes
// server defaults away; gone is true when the object no longer exists. It must run
// under the ledger's lock (v).
func (s *Server) kubeRead(ctx context.Context, typ, urn string, v view, in, out resource.PropertyMap) (gone bool, err error) {
	r := s.newRes(urn, in, nil)
	cluster := s.clusterOf(r, v.world)
	if cluster == "" {
		return false, nil
	}
	live, found, err := s.kubeLive(ctx, r, cluster)
	if err != nil || !found {
		return !found, err
	}
	for k, old := range in {
		switch k {
		case "apiVersion", "kind", "metadata":
			continue
		}
		lv, ok := live[string(k)]
		if !ok {
			continue
		}
		nv := pruneTo(resource.NewPropertyValue(lv), old)
		in[k] = nv
		out[k] = nv
	}
	return false, nil
}

// pruneTo keeps of live the shape of old: an object's keys that old has, a list
// elementwise when the lengths agree; a secret stays secret.
func pruneTo(live, old resource.PropertyValue) resource.PropertyValue {
	if old.IsSecret() {
		return resource.MakeSecret(pruneTo(live, old.SecretValue().Element))
	}
	switch {
	case old.IsObject() && live.IsObject():
		lm, out := live.ObjectValue(), resource.PropertyMap{}
		for k, ov := range old.ObjectValue() {
			if lv, ok := lm[k]; ok {
				out[k] = pruneTo(lv, ov)
			}
		}
		return resource.NewObjectProperty(out)
	case old.IsArray() && live.IsArray() && len(old.ArrayValue()) == len(live.ArrayValue()):
		oa, la := old.ArrayValue(), live.ArrayValue()
		out := make([]resource.PropertyValue, len(la))
		for i := range la {
			out[i] = pruneTo(la[i], oa[i])
		}
		return resource.NewArrayProperty(out)
	}
	return live
}
