package simcloud

import (
	"context"
	"fmt"
	"strings"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/kubeapi"
)

// EKS installs Auto Mode's CRDs in the cluster itself when Auto Mode's compute is on;
// the platform then writes a NodePool, a NodeClass and IngressClassParams of them. EKS
// publishes none of these schemas (searched 2026-12-07; tools/kubeobjects "unpublished"):
//
//   - karpenter.sh NodePool and NodeClaim: Auto Mode is built on Karpenter's v1 API, so
//     upstream Karpenter's CRDs at the pinned 1.14.1 (vendored for the karpenter input)
//     stand in for EKS's copies: a NodePool is validated by Karpenter's schema and CEL;
//   - eks.amazonaws.com NodeClass and IngressClassParams: permissive stand-ins (any
//     fields kept), so the objects are stored, read back and deleted for real, but their
//     fields are not validated: the test bed cannot check them against EKS.
var autoModeUpstreamCRDs = []string{"nodepools.karpenter.sh", "nodeclaims.karpenter.sh"}

// eksInstallsAutoModeCRDs installs them in cluster's API server, as EKS's manager.
func (s *Server) eksInstallsAutoModeCRDs(ctx context.Context, r *res, cluster string) error {
	if s.opts.NoKubeAPI || !readAutoMode(r.Inputs).compute {
		return nil
	}
	c, err := s.controlPlane(ctx, cluster, false)
	if err != nil {
		return err
	}
	all, err := addons.KarpenterChartAddon().CRDs()
	if err != nil {
		return err
	}
	var crds []map[string]any
	for _, want := range autoModeUpstreamCRDs {
		found := false
		for _, crd := range all {
			if crd.Name == want {
				crds, found = append(crds, crd.Object), true
			}
		}
		if !found {
			return fmt.Errorf("simcloud: no vendored CRD %s for Auto Mode", want)
		}
	}
	crds = append(crds, permissiveCRD("eks.amazonaws.com", "NodeClass", "nodeclasses"),
		permissiveCRD("eks.amazonaws.com", "IngressClassParams", "ingressclassparams"))
	return c.InstallCRDs(ctx, crds, kubeapi.ApplyOptions{FieldManager: eksManager, Force: true})
}

// permissiveCRD is a cluster-scoped v1 CRD that keeps any fields.
func permissiveCRD(group, kind, plural string) map[string]any {
	return map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": plural + "." + group},
		"spec": map[string]any{
			"group": group, "scope": "Cluster",
			"names": map[string]any{"kind": kind, "plural": plural, "singular": strings.ToLower(kind), "listKind": kind + "List"},
			"versions": []any{map[string]any{
				"name": "v1", "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{
					"type": "object", "x-kubernetes-preserve-unknown-fields": true,
				}},
			}},
		},
	}
}
