package simcloud

import (
	"context"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/kubeapi"
)

// EKS writes aws-auth itself: when a managed node group's nodes join a cluster whose
// authentication mode reads the ConfigMap and no aws-auth exists yet, EKS creates it
// with that node group's role mapped (only the first node group: later ones are not
// added, as pulumi/pulumi-eks#280 reports). Its field manager's name here is the
// simulator's ("eks"); what matters is that it is not the platform's, so the
// platform's apply meets an object another manager owns.
const eksManager = "eks"

// eksWritesAwsAuth runs after a node group's create succeeded: in the cluster's API
// server, a server-side apply by EKS's manager when no aws-auth exists.
func (s *Server) eksWritesAwsAuth(ctx context.Context, r *res, cluster string) error {
	role := str(r.Inputs, "nodeRoleArn")
	if cluster == "" || role == "" || s.opts.NoKubeAPI {
		return nil
	}
	reads := false
	if err := s.ledger.locked(func() error { reads = s.clusterReadsConfigMap(cluster); return nil }); err != nil || !reads {
		return err
	}
	c, err := s.controlPlane(ctx, cluster, false)
	if err != nil {
		return err
	}
	if _, found, err := c.Get(ctx, "v1", "ConfigMap", "kube-system", "aws-auth"); err != nil || found {
		return err
	}
	_, err = c.Apply(ctx, map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system"},
		"data":     map[string]any{"mapRoles": eksRoleEntry(role)}}, kubeapi.ApplyOptions{FieldManager: eksManager})
	return err
}

// eksRoleEntry is the mapRoles text EKS writes for a node role (plain YAML, unlike
// the platform's quoted scalars).
func eksRoleEntry(role string) string {
	return "- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: " + role + "\n  username: system:node:{{EC2PrivateDNSName}}\n"
}

// clusterReadsConfigMap: CONFIG_MAP (EKS's default when no access config is given)
// or API_AND_CONFIG_MAP. It must run under locked.
func (s *Server) clusterReadsConfigMap(cluster string) bool {
	o, ok := s.ledger.getObject(typCluster, cluster)
	if !ok {
		return false
	}
	in, err := decodeMap(o.Inputs)
	if err != nil {
		return false
	}
	switch str(in, "accessConfig", "authenticationMode") {
	case "", "CONFIG_MAP", "API_AND_CONFIG_MAP":
		return true
	}
	return false
}
