package platform

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Kubernetes name syntax, and the keys the API server refuses on the objects the
// platform writes, so a bad label, taint, requirement or tag fails at preview with its
// input path instead of as an admission error after the cluster exists (issue 23).
//
// The syntax is Kubernetes' own (k8s.io/apimachinery/pkg/util/validation:
// IsQualifiedName, IsDNS1123Subdomain, IsValidLabelValue), which the API server applies
// to a Node's labels and taints and which the NodePool CRD repeats as patterns. The
// restricted keys are the vendored CRDs' CEL rules, quoted beside each list and checked
// against the files by TestRestrictedKeysAreTheCRDs.

var (
	// qualifiedNamePart is the name part of a qualified name (at most 63 characters).
	qualifiedNamePart = regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)
	// dnsSubdomain is a qualified name's prefix (at most 253 characters).
	dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	// labelValue is a label value (at most 63 characters, empty allowed).
	labelValue = regexp.MustCompile(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`)
)

const (
	maxQualifiedNamePart = 63
	maxDNSSubdomain      = 253
	maxLabelValue        = 63
	// maxNodePoolLabels is the NodePool CRD's maxProperties on template labels.
	maxNodePoolLabels = 100
	// maxEksNodeGroupKey is the EKS API's limit on a managed node group's label and taint
	// keys, the whole key prefix included (EKS API reference, CreateNodegroup labels and
	// the Taint type: "Length Constraints: Minimum length of 1. Maximum length of 63.";
	// read 2026-12-07 at docs.aws.amazon.com/eks/latest/APIReference/API_Taint.html and
	// API_UpdateLabelsPayload.html). Label values there are 1-63 characters.
	maxEksNodeGroupKey = 63
)

// qualifiedNameProblem says why key is not a Kubernetes qualified name ("" if it is):
// an optional DNS-subdomain prefix and '/', then 1-63 letters, digits, '-', '_' or '.',
// starting and ending with a letter or digit.
func qualifiedNameProblem(key string) string {
	name := key
	if prefix, rest, found := strings.Cut(key, "/"); found {
		switch {
		case prefix == "":
			return "its prefix before '/' is empty"
		case len(prefix) > maxDNSSubdomain:
			return fmt.Sprintf("its prefix is longer than %d characters", maxDNSSubdomain)
		case !dnsSubdomain.MatchString(prefix):
			return "its prefix is not a DNS subdomain (lowercase letters, digits, '-' and '.')"
		}
		name = rest
	}
	switch {
	case name == "":
		return "its name part is empty"
	case len(name) > maxQualifiedNamePart:
		return fmt.Sprintf("its name part is longer than %d characters", maxQualifiedNamePart)
	case !qualifiedNamePart.MatchString(name):
		return "its name part must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit, and at most one '/' may separate a prefix"
	}
	return ""
}

// qualifiedNameFix is the fix every key error gives.
const qualifiedNameFix = "use a key like \"team\" or \"example.com/team\""

// labelValueProblem says why v is not a label value ("" if it is).
func labelValueProblem(v string) string {
	switch {
	case len(v) > maxLabelValue:
		return fmt.Sprintf("it is longer than %d characters", maxLabelValue)
	case !labelValue.MatchString(v):
		return "it must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
	}
	return ""
}

// checkNodeLabels checks a node group's or NodePool's labels: keys are qualified names
// and values label values, as the API server requires of a Node's labels.
func checkNodeLabels(p *problems, path string, labels map[string]string) {
	for _, k := range sortedKeys(labels) {
		if why := qualifiedNameProblem(k); why != "" {
			p.addf("%s: key %q is not a Kubernetes label key: %s; %s", path, k, why, qualifiedNameFix)
			continue
		}
		if why := labelValueProblem(labels[k]); why != "" {
			p.addf("%s.%s: %q is not a Kubernetes label value: %s; give at most %d letters, digits, '-', '_' or '.'", path, k, labels[k], why, maxLabelValue)
		}
	}
}

// checkTaint checks a taint's key (a qualified name: the NodePool CRD's pattern and a
// Node's validation) and value (a label value).
func checkTaint(p *problems, tp string, t taintConfig) {
	if t.Key != "" {
		if why := qualifiedNameProblem(t.Key); why != "" {
			p.addf("%s.key: %q is not a Kubernetes taint key: %s; %s", tp, t.Key, why, qualifiedNameFix)
		}
	}
	if why := labelValueProblem(t.Value); why != "" {
		p.addf("%s.value: %q is not a Kubernetes taint value: %s; give at most %d letters, digits, '-', '_' or '.', or omit it", tp, t.Value, why, maxLabelValue)
	}
}

// checkEksNodeGroupKeys applies the EKS API's limits on a managed node group's labels
// and taints, which are stricter than Kubernetes' (see maxEksNodeGroupKey), and the
// kubelet's on its own labels (kubeletLabelProblem).
func checkEksNodeGroupKeys(p *problems, path string, labels map[string]string, taints []taintConfig) {
	for _, k := range sortedKeys(labels) {
		if why := kubeletLabelProblem(k); why != "" {
			p.addf("%s.labels: key %q would keep the nodes from joining (%s); use a key of your own domain, or node.kubernetes.io/<name>", path, k, why)
		}
		if len(k) > maxEksNodeGroupKey {
			p.addf("%s.labels: key %q has %d characters, and EKS allows at most %d for a managed node group's label key (prefix included); shorten it", path, k, len(k), maxEksNodeGroupKey)
		}
		if labels[k] == "" {
			p.addf("%s.labels.%s: empty, and EKS refuses an empty label value on a managed node group; give a value", path, k)
		}
	}
	for j, t := range taints {
		if len(t.Key) > maxEksNodeGroupKey {
			p.addf("%s.taints[%d].key: %q has %d characters, and EKS allows at most %d for a managed node group's taint key (prefix included); shorten it", path, j, t.Key, len(t.Key), maxEksNodeGroupKey)
		}
	}
}

// Labels a kubelet may set on its own Node (kubernetes/kubernetes
// pkg/kubelet/apis/well_known_labels.go, KubeletLabels and KubeletLabelNamespaces; read
// 2026-12-07). A managed node group's labels are the kubelet's --node-labels, and a
// kubelet given another key of the kubernetes.io or k8s.io namespaces refuses to start
// ("unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels"), so the
// group fails with NodeCreationFailure (terraform-aws-modules/terraform-aws-eks #3346).
var (
	kubeletLabels = []string{"kubernetes.io/hostname", "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region",
		"beta.kubernetes.io/instance-type", "kubernetes.io/os", "kubernetes.io/arch", "beta.kubernetes.io/os", "beta.kubernetes.io/arch",
		"failure-domain.kubernetes.io/zone", "failure-domain.kubernetes.io/region", "kubernetes.io/instance-type"}
	kubeletLabelNamespaces = []string{"kubelet.kubernetes.io", "node.kubernetes.io"}
	kubernetesNamespaces   = []string{"kubernetes.io", "k8s.io"}
)

// kubeletLabelProblem says why a kubelet refuses key in --node-labels ("" if it does not).
func kubeletLabelProblem(key string) string {
	namespace, _, found := strings.Cut(key, "/")
	if !found || slices.Contains(kubeletLabels, key) {
		return ""
	}
	within := func(domains []string) bool {
		return slices.ContainsFunc(domains, func(d string) bool { return namespace == d || strings.HasSuffix(namespace, "."+d) })
	}
	if within(kubernetesNamespaces) && !within(kubeletLabelNamespaces) {
		return fmt.Sprintf("a kubelet sets only its well-known labels and those under %s in the kubernetes.io and k8s.io namespaces, and refuses to start with any other", strings.Join(kubeletLabelNamespaces, " or "))
	}
	return ""
}

// NodePool label and requirement keys (crds/karpenter-1.14.1-karpenter.sh_nodepools.yaml,
// spec.template.metadata.labels and spec.template.spec.requirements[].key, the same four
// CEL rules on both):
//
//	label domain "karpenter.sh" is restricted:
//	  self in ["karpenter.sh/capacity-type", "karpenter.sh/nodepool"] || !self.find("^([^/]+)").endsWith("karpenter.sh")
//	label "karpenter.sh/nodepool" is restricted:   self != "karpenter.sh/nodepool"
//	label "kubernetes.io/hostname" is restricted:  self != "kubernetes.io/hostname"
//	label domain "karpenter.k8s.aws" is restricted:
//	  self in [<nodePoolKarpenterK8sAwsKeys>] || !self.find("^([^/]+)").endsWith("karpenter.k8s.aws")
//
// EKS Auto Mode's NodePools are the same karpenter.sh/v1 kind, so its pools are checked
// by the same rules.
var (
	nodePoolKarpenterShKeys     = []string{"karpenter.sh/capacity-type", "karpenter.sh/nodepool"}
	nodePoolRestrictedKeys      = []string{"karpenter.sh/nodepool", "kubernetes.io/hostname"}
	nodePoolKarpenterK8sAwsKeys = []string{"karpenter.k8s.aws/instance-tenancy", "karpenter.k8s.aws/capacity-reservation-type",
		"karpenter.k8s.aws/capacity-reservation-id", "karpenter.k8s.aws/capacity-reservation-interruptible", "karpenter.k8s.aws/ec2nodeclass",
		"karpenter.k8s.aws/instance-encryption-in-transit-supported", "karpenter.k8s.aws/instance-category", "karpenter.k8s.aws/instance-hypervisor",
		"karpenter.k8s.aws/instance-family", "karpenter.k8s.aws/instance-generation", "karpenter.k8s.aws/instance-local-nvme",
		"karpenter.k8s.aws/instance-size", "karpenter.k8s.aws/instance-cpu", "karpenter.k8s.aws/instance-cpu-manufacturer",
		"karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz", "karpenter.k8s.aws/instance-memory", "karpenter.k8s.aws/instance-ebs-bandwidth",
		"karpenter.k8s.aws/instance-network-bandwidth", "karpenter.k8s.aws/instance-gpu-name", "karpenter.k8s.aws/instance-gpu-manufacturer",
		"karpenter.k8s.aws/instance-gpu-count", "karpenter.k8s.aws/instance-gpu-memory", "karpenter.k8s.aws/instance-accelerator-name",
		"karpenter.k8s.aws/instance-accelerator-manufacturer", "karpenter.k8s.aws/instance-accelerator-count", "karpenter.k8s.aws/instance-capability-flex",
		"karpenter.k8s.aws/placement-group-id", "karpenter.k8s.aws/placement-group-partition"}
)

// nodePoolKeyProblem says why the NodePool CRD refuses key as a template label or
// requirement key ("" if it does not), in the CRD's own words.
func nodePoolKeyProblem(key string) string {
	domain, _, _ := strings.Cut(key, "/") // CEL's find("^([^/]+)"): all before the first '/'
	switch {
	case slices.Contains(nodePoolRestrictedKeys, key):
		return fmt.Sprintf("label %q is restricted", key)
	case strings.HasSuffix(domain, "karpenter.sh") && !slices.Contains(nodePoolKarpenterShKeys, key):
		return `label domain "karpenter.sh" is restricted`
	case strings.HasSuffix(domain, "karpenter.k8s.aws") && !slices.Contains(nodePoolKarpenterK8sAwsKeys, key):
		return `label domain "karpenter.k8s.aws" is restricted`
	}
	return ""
}

// checkNodePoolLabels checks a NodePool's template labels: syntax, the CRD's restricted
// keys (Karpenter sets these itself on every node it launches) and its 100-label limit.
func checkNodePoolLabels(p *problems, path string, labels map[string]string) {
	checkNodeLabels(p, path, labels)
	for _, k := range sortedKeys(labels) {
		if why := nodePoolKeyProblem(k); why != "" {
			p.addf("%s: key %q is refused by the NodePool CRD (%s: Karpenter sets it on the nodes itself); remove it or use a key of your own domain", path, k, why)
		}
	}
	if len(labels) > maxNodePoolLabels {
		p.addf("%s: %d labels, and a NodePool takes at most %d; remove some", path, len(labels), maxNodePoolLabels)
	}
}

// checkNodePoolRequirementKey checks a NodePool requirement's key: a qualified name the
// CRD does not restrict.
func checkNodePoolRequirementKey(p *problems, rp, key string) {
	if why := qualifiedNameProblem(key); why != "" {
		p.addf("%s.key: %q is not a Kubernetes label key: %s; give a node label such as eks.amazonaws.com/instance-category", rp, key, why)
		return
	}
	if why := nodePoolKeyProblem(key); why != "" {
		p.addf("%s.key: %q is refused by the NodePool CRD (%s: Karpenter sets it on the nodes itself, it cannot select them); remove the requirement or use another label", rp, key, why)
	}
}

// EC2NodeClass tags (crds/karpenter-1.14.1-karpenter.k8s.aws_ec2nodeclasses.yaml,
// spec.tags), the tags Karpenter writes on its instances itself:
//
//	empty tag keys aren't supported:                                    self.all(k, k != '')
//	tag contains a restricted tag matching eks:eks-cluster-name:        self.all(k, k !='eks:eks-cluster-name')
//	tag contains a restricted tag matching kubernetes.io/cluster/:      self.all(k, !k.startsWith('kubernetes.io/cluster') )
//	tag contains a restricted tag matching karpenter.sh/nodepool:       self.all(k, k != 'karpenter.sh/nodepool')
//	tag contains a restricted tag matching karpenter.sh/nodeclaim:      self.all(k, k !='karpenter.sh/nodeclaim')
//	tag contains a restricted tag matching karpenter.k8s.aws/ec2nodeclass: self.all(k, k !='karpenter.k8s.aws/ec2nodeclass')
var (
	ec2NodeClassRestrictedTags      = []string{"eks:eks-cluster-name", "karpenter.sh/nodepool", "karpenter.sh/nodeclaim", "karpenter.k8s.aws/ec2nodeclass"}
	ec2NodeClassRestrictedTagPrefix = "kubernetes.io/cluster"
)

// ec2NodeClassTagProblem says why the EC2NodeClass CRD refuses the tag key ("" if not).
func ec2NodeClassTagProblem(key string) string {
	switch {
	case key == "":
		return "empty tag keys aren't supported"
	case slices.Contains(ec2NodeClassRestrictedTags, key):
		return "tag contains a restricted tag matching " + key
	case strings.HasPrefix(key, ec2NodeClassRestrictedTagPrefix):
		return "tag contains a restricted tag matching kubernetes.io/cluster/"
	}
	return ""
}

// checkEC2NodeClassTags refuses tags the EC2NodeClass CRD refuses. what says where the
// tags go, for the message.
func checkEC2NodeClassTags(p *problems, path string, tags map[string]string, what string) {
	for _, k := range sortedKeys(tags) {
		if why := ec2NodeClassTagProblem(k); why != "" {
			p.addf("%s: key %q is refused by Karpenter's EC2NodeClass CRD (%s), and %s; remove it (Karpenter tags its instances with it itself)", path, k, why, what)
		}
	}
}
