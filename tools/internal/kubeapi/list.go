package kubeapi

import (
	"context"
	"slices"
	"strings"
)

// ObjectRef names one stored object and the field managers that wrote it.
type ObjectRef struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Namespace  string   `json:"namespace,omitempty"`
	Name       string   `json:"name"`
	Managers   []string `json:"managers,omitempty"`
}

// ListAll lists every object of every listable kind the server serves, at each group's
// preferred version, skipping Events and Leases (the server's own heartbeat records).
func (s *Client) ListAll(ctx context.Context) ([]ObjectRef, error) {
	versions := []string{"v1"}
	var groups struct {
		Groups []struct {
			PreferredVersion struct {
				GroupVersion string `json:"groupVersion"`
			} `json:"preferredVersion"`
		} `json:"groups"`
	}
	if err := s.getJSON(ctx, "/apis", &groups); err != nil {
		return nil, err
	}
	for _, g := range groups.Groups {
		versions = append(versions, g.PreferredVersion.GroupVersion)
	}
	var out []ObjectRef
	for _, gv := range versions {
		var list struct {
			Resources []struct {
				Name  string   `json:"name"`
				Kind  string   `json:"kind"`
				Verbs []string `json:"verbs"`
			} `json:"resources"`
		}
		if err := s.getJSON(ctx, discoveryPath(gv), &list); err != nil {
			return nil, err
		}
		for _, r := range list.Resources {
			if strings.Contains(r.Name, "/") || !slices.Contains(r.Verbs, "list") || r.Kind == "Event" || r.Kind == "Lease" {
				continue
			}
			var items struct {
				Items []struct {
					Metadata struct {
						Name          string `json:"name"`
						Namespace     string `json:"namespace"`
						ManagedFields []struct {
							Manager string `json:"manager"`
						} `json:"managedFields"`
					} `json:"metadata"`
				} `json:"items"`
			}
			if err := s.getJSON(ctx, discoveryPath(gv)+"/"+r.Name, &items); err != nil {
				return nil, err
			}
			for _, it := range items.Items {
				ref := ObjectRef{APIVersion: gv, Kind: r.Kind, Namespace: it.Metadata.Namespace, Name: it.Metadata.Name}
				for _, m := range it.Metadata.ManagedFields {
					if !slices.Contains(ref.Managers, m.Manager) {
						ref.Managers = append(ref.Managers, m.Manager)
					}
				}
				out = append(out, ref)
			}
		}
	}
	return out, nil
}

// Key is the object's identity, for comparing lists.
func (r ObjectRef) Key() string {
	return r.APIVersion + "/" + r.Kind + "/" + r.Namespace + "/" + r.Name
}
