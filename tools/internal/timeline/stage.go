package timeline

import "strings"

// Stage is a step of the platform, in the order the component builds them
// (provider/pkg/platform/platform.go).
type Stage int

const (
	Network Stage = iota
	ClusterPrereqs
	Cluster
	Identity
	Access
	NodeAddons
	Compute
	WorkloadAddons
	Helm
	Other
	numStages
)

var stageNames = [numStages]string{
	"network",
	"cluster prerequisites",
	"cluster",
	"identity",
	"access",
	"node add-ons",
	"compute",
	"workload add-ons",
	"Helm",
	"other",
}

var stageDetails = [numStages]string{
	"subnet tags",
	"cluster IAM role, KMS key, log group",
	"the EKS control plane",
	"OIDC provider, node and Fargate roles",
	"access entries, aws-auth",
	"vpc-cni, kube-proxy, Pod Identity agent and their roles (before the nodes)",
	"launch templates, node groups, Fargate profiles",
	"coredns, EBS CSI driver and its role (after the nodes)",
	"Helm releases with their IAM roles and policies",
	"anything else",
}

// String is the stage's short name ("cluster prerequisites").
func (s Stage) String() string {
	if s < 0 || s >= numStages {
		return "other"
	}
	return stageNames[s]
}

// Detail says what the stage holds.
func (s Stage) Detail() string {
	if s < 0 || s >= numStages {
		return ""
	}
	return stageDetails[s]
}

// Stages lists every stage in build order.
func Stages() []Stage {
	out := make([]Stage, numStages)
	for i := range out {
		out[i] = Stage(i)
	}
	return out
}

// nodeAddons are the EKS add-ons created before the nodes (rule 4 of docs/ordering.md).
var nodeAddons = map[string]bool{"vpc-cni": true, "kube-proxy": true, "eks-pod-identity-agent": true}

// StageOf derives the stage of a resource from its type and name (the URN's
// last part, "<platform>-<part>", see provider/pkg/platform naming).
func StageOf(typ, name string) Stage {
	has := func(s string) bool { return strings.Contains(name, s) }
	switch typ {
	case "aws:ec2/tag:Tag":
		return Network
	case "aws:kms/key:Key", "aws:kms/alias:Alias", "aws:cloudwatch/logGroup:LogGroup":
		return ClusterPrereqs
	case "aws:eks/cluster:Cluster":
		return Cluster
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		return Identity
	case "aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
		"kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:ConfigMapPatch":
		return Access
	case "aws:eks/addon:Addon":
		for a := range nodeAddons {
			if name == a || strings.HasSuffix(name, "-"+a) {
				return NodeAddons
			}
		}
		return WorkloadAddons
	case "aws:ec2/launchTemplate:LaunchTemplate", "aws:eks/nodeGroup:NodeGroup", "aws:eks/fargateProfile:FargateProfile":
		return Compute
	case "kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:core/v1:Namespace":
		return Helm
	}
	if strings.HasPrefix(typ, "aws:iam/") || typ == "aws:eks/podIdentityAssociation:PodIdentityAssociation" {
		switch {
		case has("cluster-role"):
			return ClusterPrereqs
		case has("node-role") || has("fargate-role"):
			return Identity
		case has("vpc-cni") || has("kube-proxy") || has("pod-identity-agent"):
			return NodeAddons // an EKS add-on's own role (IRSA)
		case has("ebs-csi") || has("coredns"):
			return WorkloadAddons
		}
		return Helm // the roles, policies and associations of Helm add-ons and releases
	}
	return Other
}
