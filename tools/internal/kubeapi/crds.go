package kubeapi

import (
	"context"
	"fmt"
	"time"
)

// CRD's apiVersion and kind.
const (
	crdAPIVersion = "apiextensions.k8s.io/v1"
	crdKind       = "CustomResourceDefinition"
)

// InstallCRDs applies CustomResourceDefinitions with server-side apply and waits until
// each is Established (its API served), so custom resources of them can be applied next.
func (s *Client) InstallCRDs(ctx context.Context, crds []map[string]any, o ApplyOptions) error {
	var names []string
	for _, c := range crds {
		apiVersion, kind, _, name := identity(c)
		if apiVersion != crdAPIVersion || kind != crdKind {
			return fmt.Errorf("kubeapi: %s is a %s %s, not a CustomResourceDefinition", name, apiVersion, kind)
		}
		if _, err := s.Apply(ctx, c, o); err != nil {
			return fmt.Errorf("kubeapi: CRD %s: %w", name, err)
		}
		names = append(names, name)
	}
	for _, n := range names {
		if err := s.WaitEstablished(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// WaitEstablished waits for a CRD's Established condition (about 0.1 s on this machine).
func (s *Client) WaitEstablished(ctx context.Context, name string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		obj, found, err := s.Get(ctx, crdAPIVersion, crdKind, "", name)
		if err != nil {
			return fmt.Errorf("kubeapi: CRD %s: %w", name, err)
		}
		if found && conditionTrue(obj, "Established") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kubeapi: CRD %s not Established: %w", name, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// conditionTrue reports whether status.conditions has type t with status "True".
func conditionTrue(obj map[string]any, t string) bool {
	status, _ := obj["status"].(map[string]any)
	conds, _ := status["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == t && m["status"] == "True" {
			return true
		}
	}
	return false
}
