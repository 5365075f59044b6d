package addons

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Karpenter is not a catalogue entry (it is the platform's `karpenter` input, with a
// stage of its own: node role, interruption queue, NodeClass and NodePools), but its
// chart is described the same way, so the platform applies its CRDs with the code every
// add-on's CRDs go through.
//
// The chart is published only as an OCI artifact (public.ecr.aws/karpenter/karpenter).
// Its Chart.yaml at the release tag says 1.13.0: the release script
// (hack/release/common.sh at v1.14.1) packages it with `helm package --version <tag>` and
// writes appVersion and the controller image into it, so the chart the registry serves
// for the tag is 1.14.1 (policies/SOURCES.md, "Karpenter").
const (
	KarpenterChart          = "oci://public.ecr.aws/karpenter/karpenter"
	KarpenterVersion        = "1.14.1"
	KarpenterNamespace      = "kube-system"
	KarpenterServiceAccount = "karpenter"
	// KarpenterReleaseName is the Helm release name; the chart's pod labels carry it
	// (app.kubernetes.io/instance), and its name (app.kubernetes.io/name) is "karpenter".
	KarpenterReleaseName = "karpenter"
	// karpenterTemplate is upstream's CloudFormation template of the controller's IAM
	// policies, interruption queue and EventBridge rules at the tag.
	karpenterTemplate = "policies/karpenter-v1.14.1-cloudformation.yaml"
)

// KarpenterPodLabels are the controller pods' labels (the chart's selectorLabels), which
// a Fargate profile selector may match.
var KarpenterPodLabels = map[string]string{
	"app.kubernetes.io/name":     "karpenter",
	"app.kubernetes.io/instance": KarpenterReleaseName,
}

// KarpenterChartAddon describes the chart for the CRD code (Addon.CRDs): the chart's
// crds/ directory at v1.14.1 holds five symlinks into pkg/apis/crds/, vendored here.
func KarpenterChartAddon() Addon {
	return Addon{
		Key:            "karpenter",
		Name:           KarpenterReleaseName,
		Chart:          KarpenterChart,
		Version:        KarpenterVersion,
		AppVersion:     KarpenterVersion,
		Namespace:      KarpenterNamespace,
		ServiceAccount: KarpenterServiceAccount,
		sources:        karpenterSources,
	}
}

// karpenterSources: the controller's policy template and the chart's CRDs at v1.14.1,
// and the Kubernetes versions of the release. No chartYAML: Chart.yaml at the tag is
// stale (see above), so the pin is read from the release script.
var karpenterSources = provenance{
	upstream: upstreamRelease{
		Repository: "aws/karpenter-provider-aws",
		Tag:        "v1.14.1",
		Commit:     "bde00654cd316fddb3dccfba3f5ac07039865429",
	},
	files: []vendoredFile{
		// Upstream's CloudFormation template of the controller's IAM policies, queue and
		// EventBridge rules (rendered by KarpenterControllerPolicies).
		{File: karpenterTemplate, Path: "website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml",
			SHA256: "7ffeb01f04b5da482ef43087830de00a476098416e3b4576c38239ef1b0bef4b"},
		// The chart's crds/: five symlinks into pkg/apis/crds/, vendored as their targets.
		{File: "crds/karpenter-1.14.1-autoscaling.x-k8s.io_capacitybuffers.yaml", Path: "pkg/apis/crds/autoscaling.x-k8s.io_capacitybuffers.yaml",
			SHA256: "66fd5680b902b38fb9657ad2b432196a06c42b37d078e53be2e39909200a6342"},
		{File: "crds/karpenter-1.14.1-karpenter.k8s.aws_ec2nodeclasses.yaml", Path: "pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml",
			SHA256: "62dec59f01c0972d4503ca3ed25f243ba9c2f561be0d964ce7a14c8df406132f"},
		{File: "crds/karpenter-1.14.1-karpenter.sh_nodeclaims.yaml", Path: "pkg/apis/crds/karpenter.sh_nodeclaims.yaml",
			SHA256: "96037dc241031fe0f7a09ddf78183d885ce6a1dfe115f7b3fbf8a12c564be694"},
		{File: "crds/karpenter-1.14.1-karpenter.sh_nodeoverlays.yaml", Path: "pkg/apis/crds/karpenter.sh_nodeoverlays.yaml",
			SHA256: "6ff6199aff096cc87cd9508f8c5ae62c6d3452aa90c2828ee36380340f3ece62"},
		{File: "crds/karpenter-1.14.1-karpenter.sh_nodepools.yaml", Path: "pkg/apis/crds/karpenter.sh_nodepools.yaml",
			SHA256: "3bb64a20c80776b77aa19a699ebdaf34480a7b2e7ec4ef890b43225b3517f878"},
	},
	kube: KubeCompat{
		// The release script (hack/release/common.sh) sets only version and appVersion.
		KubeVersionSource: "aws/karpenter-provider-aws@v1.14.1:charts/karpenter/Chart.yaml (no kubeVersion)",
		MinMinor:          26, MaxMinor: 36,
		SupportedSource: "aws/karpenter-provider-aws@v1.14.1:hack/docs/compatibilitymatrix_gen/compatibility.yaml (the compatibility matrix's source): appVersion 1.14.x, minK8sVersion 1.26, maxK8sVersion 1.36",
	},
}

// KarpenterVars are the values of the template's ${...} variables.
type KarpenterVars struct {
	Partition, Region, AccountID, ClusterName string
	// NodeRoleArn is the role the controller passes to the instance profiles it makes.
	NodeRoleArn string
	// QueueArn is the interruption queue; "" without interruption handling.
	QueueArn string
}

// KarpenterPolicy is one of upstream's managed policies, rendered.
type KarpenterPolicy struct {
	// Key is the template's logical ID without "Policy" (NodeLifecycle, ...).
	Key string
	// JSON is the document, compact, statements in upstream's order.
	JSON string
}

// IAMManagedPolicyMaxChars is IAM's limit on a managed policy document, in characters
// excluding whitespace (the reason upstream ships several policies, and the trap of
// terraform-aws-eks #3181 and its successors, which joined them into one).
const IAMManagedPolicyMaxChars = 6144

type cfnTemplate struct {
	Resources map[string]struct {
		Type       string         `yaml:"Type"`
		Properties map[string]any `yaml:"Properties"`
	} `yaml:"Resources"`
}

// cfnOrder keeps the template's resource order (a map loses it).
type cfnOrder struct {
	Resources yaml.Node `yaml:"Resources"`
}

func readKarpenterTemplate() (cfnTemplate, []string, error) {
	text, err := vendored(karpenterTemplate)
	if err != nil {
		return cfnTemplate{}, nil, err
	}
	var t cfnTemplate
	if err := yaml.Unmarshal([]byte(text), &t); err != nil {
		return cfnTemplate{}, nil, fmt.Errorf("%s: %w", karpenterTemplate, err)
	}
	var o cfnOrder
	if err := yaml.Unmarshal([]byte(text), &o); err != nil {
		return cfnTemplate{}, nil, fmt.Errorf("%s: %w", karpenterTemplate, err)
	}
	var order []string
	for i := 0; i+1 < len(o.Resources.Content); i += 2 {
		order = append(order, o.Resources.Content[i].Value)
	}
	return t, order, nil
}

var cfnVar = regexp.MustCompile(`\$\{([^}]*)\}`)

// sub evaluates a CloudFormation !Sub string; a variable the platform does not know
// is an error, so an upstream change that adds one cannot slip through unrendered.
func (v KarpenterVars) sub(s string) (string, error) {
	values := map[string]string{
		"AWS::Partition":                 v.Partition,
		"AWS::Region":                    v.Region,
		"AWS::AccountId":                 v.AccountID,
		"ClusterName":                    v.ClusterName,
		"KarpenterNodeRole.Arn":          v.NodeRoleArn,
		"KarpenterInterruptionQueue.Arn": v.QueueArn,
	}
	var bad []string
	out := cfnVar.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		val, ok := values[name]
		if !ok || val == "" {
			bad = append(bad, name)
		}
		return val
	})
	if len(bad) > 0 {
		return "", fmt.Errorf("%s: no value for ${%s}", karpenterTemplate, strings.Join(bad, "}, ${"))
	}
	return out, nil
}

// KarpenterControllerPolicies renders upstream's controller policies (every
// AWS::IAM::ManagedPolicy of the template, in its order) with vars: the statements,
// their resource scoping and tag conditions are upstream's, byte for byte up to
// whitespace. Without a queue (QueueArn "") the interruption policy is left out.
func KarpenterControllerPolicies(vars KarpenterVars) ([]KarpenterPolicy, error) {
	t, order, err := readKarpenterTemplate()
	if err != nil {
		return nil, err
	}
	var out []KarpenterPolicy
	for _, id := range order {
		r := t.Resources[id]
		if r.Type != "AWS::IAM::ManagedPolicy" {
			continue
		}
		key := strings.TrimSuffix(id, "Policy")
		if key == "Interruption" && vars.QueueArn == "" {
			continue
		}
		doc, ok := r.Properties["PolicyDocument"].(string)
		if !ok {
			return nil, fmt.Errorf("%s: %s.PolicyDocument is not a !Sub string", karpenterTemplate, id)
		}
		text, err := vars.sub(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(text)); err != nil {
			return nil, fmt.Errorf("%s: %s is not JSON once rendered: %w", karpenterTemplate, id, err)
		}
		out = append(out, KarpenterPolicy{Key: key, JSON: buf.String()})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no AWS::IAM::ManagedPolicy", karpenterTemplate)
	}
	return out, nil
}

// KarpenterQueuePolicy is the interruption queue's policy (the template's
// KarpenterInterruptionQueuePolicy): EventBridge and SQS may send to the queue, and
// every request not over TLS is denied.
func KarpenterQueuePolicy(queueArn string) (string, error) {
	t, _, err := readKarpenterTemplate()
	if err != nil {
		return "", err
	}
	r, ok := t.Resources["KarpenterInterruptionQueuePolicy"]
	if !ok || r.Type != "AWS::SQS::QueuePolicy" {
		return "", fmt.Errorf("%s: no KarpenterInterruptionQueuePolicy", karpenterTemplate)
	}
	doc, err := resolveIntrinsics(r.Properties["PolicyDocument"], map[string]string{"KarpenterInterruptionQueue.Arn": queueArn})
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(doc)
	return string(b), err
}

// KarpenterRule is one EventBridge rule of the template, its target the queue.
type KarpenterRule struct {
	// Key is the template's logical ID without "Rule" (ScheduledChange, ...).
	Key string
	// Pattern is the event pattern, JSON.
	Pattern string
}

// KarpenterInterruptionRules are the template's EventBridge rules, in its order: AWS
// Health events (scheduled changes), spot interruption warnings, rebalance
// recommendations, instance state changes and capacity reservation interruptions.
func KarpenterInterruptionRules() ([]KarpenterRule, error) {
	t, order, err := readKarpenterTemplate()
	if err != nil {
		return nil, err
	}
	var out []KarpenterRule
	for _, id := range order {
		r := t.Resources[id]
		if r.Type != "AWS::Events::Rule" {
			continue
		}
		b, err := json.Marshal(r.Properties["EventPattern"])
		if err != nil {
			return nil, err
		}
		out = append(out, KarpenterRule{Key: strings.TrimSuffix(id, "Rule"), Pattern: string(b)})
	}
	return out, nil
}

// KarpenterQueueSettings are the template's queue properties the platform copies.
func KarpenterQueueSettings() (retentionSeconds int, managedSSE bool, err error) {
	t, _, err := readKarpenterTemplate()
	if err != nil {
		return 0, false, err
	}
	p := t.Resources["KarpenterInterruptionQueue"].Properties
	retention, ok1 := p["MessageRetentionPeriod"].(int)
	sse, ok2 := p["SqsManagedSseEnabled"].(bool)
	if !ok1 || !ok2 {
		return 0, false, fmt.Errorf("%s: KarpenterInterruptionQueue has no MessageRetentionPeriod/SqsManagedSseEnabled", karpenterTemplate)
	}
	return retention, sse, nil
}

// resolveIntrinsics replaces !GetAtt scalars (yaml.v3 gives tagged scalars as their
// text) — the only intrinsic in the queue policy — and rejects any other.
func resolveIntrinsics(v any, atts map[string]string) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range x {
				if !yield(k) {
					return
				}
			}
		}) {
			r, err := resolveIntrinsics(x[k], atts)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := resolveIntrinsics(e, atts)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case string:
		if val, ok := atts[x]; ok {
			return val, nil
		}
		return x, nil
	}
	return v, nil
}

// KarpenterNodeRolePolicies are the AWS-managed policies of the nodes' role: upstream's
// KarpenterNodeRole without AmazonEKS_CNI_Policy (vpc-cni has a role of its own on this
// platform, so pods that reach the node's credentials cannot manage ENIs) and with
// AmazonSSMManagedInstanceCore only when asked (nodeSsmAccess).
func KarpenterNodeRolePolicies(ssm bool) []string {
	p := []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"}
	if ssm {
		p = append(p, "AmazonSSMManagedInstanceCore")
	}
	return p
}
