package simcloud

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// What the platform and the other writers (EKS, a person with kubectl) do to a
// ConfigMap they share, aws-auth, happens in the cluster's real API server
// (kubeobjects.go), with its server-side apply field ownership: data.mapRoles is one
// string, so the manager that last wrote a different value owns all of it, and an
// apply that would change it conflicts with that manager unless forced.

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

// ssaConflict wraps a conflict as the provider's handleSSAErr does.
func ssaConflict(err error, manager string) error {
	return errors.Join(
		errors.New("server-side apply field conflict detected, see https://www.pulumi.com/registry/packages/kubernetes/how-to-guides/managing-resources-with-server-side-apply/#handle-field-conflicts-on-existing-resources for troubleshooting help"),
		fmt.Errorf("The resource managed by field manager %q had an apply conflict: %w", manager, err)) //nolint:staticcheck // the provider's own words
}

// LiveObject reads an object from the API server of a cluster of the simulated cloud
// journalled at journal, starting that control plane for the read and stopping it after
// when no plugin runs it; found is false when it does not exist. For tests: they read
// what the real server holds, not what the simulator recorded.
func LiveObject(journal, cluster, apiVersion, kind, ns, name string) (obj map[string]any, found bool, err error) {
	srv, err := NewServer(Options{Name: "kubernetes", Journal: journal})
	if err != nil {
		return nil, false, err
	}
	defer func() { err = errors.Join(err, srv.Close()) }()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := srv.controlPlane(ctx, cluster, false)
	if err != nil {
		return nil, false, err
	}
	return c.Get(ctx, apiVersion, kind, ns, name)
}

// LiveConfigMap is LiveObject for a ConfigMap: its data and each key's field managers
// ("name (Apply)", "name (Update)") from metadata.managedFields.
func LiveConfigMap(journal, cluster, ns, name string) (data map[string]string, owners map[string][]string, ok bool, err error) {
	obj, found, err := LiveObject(journal, cluster, "v1", "ConfigMap", ns, name)
	if err != nil || !found {
		return nil, nil, false, err
	}
	data, owners = configMapData(obj), map[string][]string{}
	meta, _ := obj["metadata"].(map[string]any)
	entries, _ := meta["managedFields"].([]any)
	for _, e := range entries {
		m, _ := e.(map[string]any)
		mgr, _ := m["manager"].(string)
		op, _ := m["operation"].(string)
		fields, _ := m["fieldsV1"].(map[string]any)
		fd, _ := fields["f:data"].(map[string]any)
		for k := range fd {
			if key, isField := strings.CutPrefix(k, "f:"); isField {
				owners[key] = append(owners[key], managerKey(mgr, op))
			}
		}
	}
	return data, owners, true, nil
}

// configMapData is a live ConfigMap's data.
func configMapData(obj map[string]any) map[string]string {
	out := map[string]string{}
	d, _ := obj["data"].(map[string]any)
	for k, v := range d {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// writeConfigMap is a write by an Update operation of manager (kubectl edit, a
// client-go program): the keys it changes are its own from then on. The ConfigMap is
// made if it does not exist.
func (s *Server) writeConfigMap(ctx context.Context, cluster, ns, name, manager string, data map[string]string) error {
	c, err := s.controlPlane(ctx, cluster, true)
	if err != nil {
		return err
	}
	d := map[string]any{}
	for k, v := range data {
		d[k] = v
	}
	_, found, err := c.Get(ctx, "v1", "ConfigMap", ns, name)
	if err != nil {
		return err
	}
	if !found {
		_, err = c.Create(ctx, map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": name, "namespace": ns}, "data": d}, manager, false)
	} else {
		_, err = c.MergePatch(ctx, "v1", "ConfigMap", ns, name, map[string]any{"data": d}, manager)
	}
	if err != nil {
		return fmt.Errorf("simcloud: writing ConfigMap %s/%s as %s: %w", ns, name, manager, err)
	}
	return nil
}
