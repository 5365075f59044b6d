package simcloud

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The rules below reproduce the AWS/EKS behaviours that the component's
// ordering (docs/ordering.md) exists to avoid, so tests can prove the ordering:
// a misordered deployment fails or leaves a warning in the journal.

const (
	typCluster   = "aws:eks/cluster:Cluster"
	typNodeGroup = "aws:eks/nodeGroup:NodeGroup"
	typFargate   = "aws:eks/fargateProfile:FargateProfile"
	typAddon     = "aws:eks/addon:Addon"
	typLogGroup  = "aws:cloudwatch/logGroup:LogGroup"
	typConfigMap = "kubernetes:core/v1:ConfigMap"
	// typConfigMapPatch is pulumi-kubernetes' patch form: a server-side apply to an
	// object that may exist (kubelive.go).
	typConfigMapPatch = "kubernetes:core/v1:ConfigMapPatch"
	typRelease        = "kubernetes:helm.sh/v3:Release"
)

// addonsNeedingNodes are the EKS add-ons whose pods include a Deployment (a controller,
// a server), which EKS reports DEGRADED until a node or Fargate pod can run it, unlike
// the DaemonSet-only node agents (vpc-cni, kube-proxy, eks-pod-identity-agent,
// aws-guardduty-agent, eks-node-monitoring-agent), active with no node. The component's
// known-add-on table (provider/pkg/platform/eksaddons_known.go) cites the sources.
var addonsNeedingNodes = map[string]bool{
	"coredns":                         true,
	"aws-ebs-csi-driver":              true,
	"aws-efs-csi-driver":              true,
	"amazon-cloudwatch-observability": true,
	"snapshot-controller":             true,
	"metrics-server":                  true,
}

// checkCreate returns a warning to journal, or an error that fails the create
// before any time passes (as the EKS API rejects such calls at once).
func checkCreate(r *res, cluster string, v view) (warning string, err error) {
	switch r.Type {
	case typFargate:
		// EKS runs one Fargate profile create/delete per cluster at a time.
		if err := fargateBusy("create", r.Named("fargateProfileName"), cluster, v); err != nil {
			return "", err
		}
	case typNodePool, typNodeClass, typIngressClass:
		if err := checkAutoModeObject(r, cluster, v); err != nil {
			return "", err
		}
		if r.Type == typNodePool && !v.clusterAutoMode(cluster).compute && !karpenterRunning(cluster, v) && cluster != "" {
			warning = "no Karpenter controller: nothing launches this NodePool's nodes"
		}
	case typEC2NodeClass:
		if err := checkKarpenterObject(r, cluster, v); err != nil {
			return "", err
		}
	case typAccessEnt:
		if err := checkAutoNodeEntry(r, cluster, v); err != nil {
			return "", err
		}
	case typCluster:
		if err := checkAutoModeRequest(r.Inputs, true); err != nil {
			return "", err
		}
		// Without the log group made first, EKS makes it (no retention, no
		// tags) and the component's own create would later collide with it.
		// EKS makes it only to write the enabled log types: with none, none.
		if len(strs(r.Inputs, "enabledClusterLogTypes")) > 0 && !v.exists(typLogGroup, "/aws/eks/"+cluster+"/cluster") {
			warning = "log group created by EKS"
		}
	case typAddon, typRelease:
		if err := albWebhookBlocks(r, cluster, v); err != nil {
			return "", err
		}
		if err := guardWebhooksBlock(r, cluster, v); err != nil {
			return "", err
		}
		// coredns, the other EKS add-ons that run a Deployment, and Helm charts need
		// running nodes; real life hangs DEGRADED. Auto Mode's built-in pools and custom
		// NodePools are nodes too.
		if (r.Type == typRelease || addonsNeedingNodes[str(r.Inputs, "addonName")]) &&
			cluster != "" && !v.hasCompute(cluster) {
			warning = "no nodes"
		}
	}
	return warning, nil
}

// checkUpdate is what EKS checks of an update request: a cluster's Auto Mode request,
// and its Kubernetes version, which EKS moves one minor up at a time, never down
// (UpdateClusterVersion: "InvalidParameterException: Unsupported Kubernetes minor
// version update from 1.13 to 1.15", as users report it), so a program whose
// kubernetesVersion jumps minors fails instead of upgrading.
func checkUpdate(r *res, old resource.PropertyMap) error {
	if r.Type != typCluster {
		return nil
	}
	if err := checkAutoModeRequest(r.Inputs, false); err != nil {
		return err
	}
	from, to := str(old, "version"), str(r.Inputs, "version")
	if from == "" || to == "" || from == to {
		return nil
	}
	fromMajor, fromMinor, ok1 := minorOf(from)
	toMajor, toMinor, ok2 := minorOf(to)
	if !ok1 || !ok2 || fromMajor != toMajor || toMinor != fromMinor+1 {
		return fmt.Errorf("InvalidParameterException: Unsupported Kubernetes minor version update from %s to %s", from, to)
	}
	return nil
}

// minorOf reads MAJOR.MINOR.
func minorOf(v string) (major, minor int, ok bool) {
	_, err := fmt.Sscanf(v, "%d.%d", &major, &minor)
	return major, minor, err == nil
}

// checkDelete applies the Fargate rule to deletes as well, and the Auto Mode APIs'.
func checkDelete(r *res, cluster string, v view) error {
	switch r.Type {
	case typFargate:
		return fargateBusy("delete", r.Named("fargateProfileName"), cluster, v)
	case typNodePool, typNodeClass, typIngressClass:
		return checkAutoModeObject(r, cluster, v)
	case typEC2NodeClass:
		return checkKarpenterObject(r, cluster, v)
	}
	return nil
}

func fargateBusy(verb, name, cluster string, v view) error {
	for _, o := range v.inflightOf(typFargate, cluster) {
		if o.Op != "create" && o.Op != "delete" {
			continue
		}
		status := "CREATING"
		if o.Op == "delete" {
			status = "DELETING"
		}
		return fmt.Errorf("ResourceInUseException: Cannot %s Fargate Profile %s because cluster %s currently has Fargate profile %s in status %s",
			verb, name, cluster, o.Name, status)
	}
	return nil
}
