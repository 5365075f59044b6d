package addons

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

var testKarpenterVars = KarpenterVars{
	Partition: "aws", Region: "eu-west-1", AccountID: "123456789012", ClusterName: "prod",
	NodeRoleArn: "arn:aws:iam::123456789012:role/prod-karpenter-node",
	QueueArn:    "arn:aws:sqs:eu-west-1:123456789012:prod-karpenter",
}

type testStatement struct {
	Sid       string
	Resource  any
	Action    any
	Condition map[string]map[string]any
}

func statementsOf(t *testing.T, doc string) []testStatement {
	t.Helper()
	var d struct {
		Version   string
		Statement []testStatement
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatalf("%v: %s", err, doc)
	}
	if d.Version != "2012-10-17" {
		t.Errorf("version %q", d.Version)
	}
	return d.Statement
}

func resources(s testStatement) []string {
	switch r := s.Resource.(type) {
	case string:
		return []string{r}
	case []any:
		var out []string
		for _, e := range r {
			out = append(out, e.(string))
		}
		return out
	}
	return nil
}

// Every policy fits IAM's managed-policy limit (whitespace does not count, and the
// rendered documents have none), the statements are upstream's, and only the
// statements upstream leaves unscoped have Resource "*"; every scoped one names this
// partition, region and, where it names an account, this account.
func TestKarpenterControllerPoliciesSizeAndScoping(t *testing.T) {
	policies, err := KarpenterControllerPolicies(testKarpenterVars)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	var sids []string
	unscoped := []string{}
	for _, p := range policies {
		keys = append(keys, p.Key)
		if n := len(p.JSON); n > IAMManagedPolicyMaxChars {
			t.Errorf("%s: %d characters, over IAM's %d", p.Key, n, IAMManagedPolicyMaxChars)
		}
		if strings.ContainsAny(p.JSON, "\n\t") || strings.Contains(p.JSON, "${") {
			t.Errorf("%s: not rendered compact: %s", p.Key, p.JSON)
		}
		for _, s := range statementsOf(t, p.JSON) {
			sids = append(sids, s.Sid)
			for _, r := range resources(s) {
				if r == "*" {
					unscoped = append(unscoped, s.Sid)
					continue
				}
				if !strings.HasPrefix(r, "arn:aws:") {
					t.Errorf("%s: resource %q is not an ARN of the partition", s.Sid, r)
				}
				if strings.Contains(r, ":ec2:") && !strings.Contains(r, ":ec2:eu-west-1:") {
					t.Errorf("%s: resource %q is not in the region", s.Sid, r)
				}
				if strings.Contains(r, ":iam::") && !strings.Contains(r, ":iam::123456789012:") {
					t.Errorf("%s: resource %q is not in the account", s.Sid, r)
				}
			}
		}
	}
	if want := []string{"NodeLifecycle", "IAMIntegration", "EKSIntegration", "Interruption", "ZonalShift", "ResourceDiscovery"}; !slices.Equal(keys, want) {
		t.Errorf("policies %v, want upstream's %v", keys, want)
	}
	// Upstream's v1.14.1 template leaves exactly these unscoped: describe calls
	// (conditioned on the region), the zonal shift read (conditioned on this cluster's
	// ARN), pricing, and listing instance profiles (IAM has no resource for a list).
	if want := []string{"AllowZonalShiftStatusReadOnly", "AllowRegionalReadActions", "AllowPricingReadActions", "AllowUnscopedInstanceProfileListAction"}; !slices.Equal(unscoped, want) {
		t.Errorf("statements with Resource \"*\": %v, want upstream's %v", unscoped, want)
	}
	if len(sids) != 18 {
		t.Errorf("%d statements (%v), upstream has 18", len(sids), sids)
	}
}

// The statements that launch, tag and delete are conditioned on this cluster's tags,
// PassRole names exactly the node role, the queue actions exactly the queue, and
// DescribeCluster exactly this cluster.
func TestKarpenterControllerPoliciesNameThisClusterRoleAndQueue(t *testing.T) {
	policies, err := KarpenterControllerPolicies(testKarpenterVars)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]testStatement{}
	for _, p := range policies {
		for _, s := range statementsOf(t, p.JSON) {
			by[s.Sid] = s
		}
	}
	for _, sid := range []string{"AllowScopedEC2LaunchTemplateAccessActions", "AllowScopedResourceTagging", "AllowScopedDeletion", "AllowScopedInstanceProfileActions"} {
		if got := by[sid].Condition["StringEquals"]["aws:ResourceTag/kubernetes.io/cluster/prod"]; got != "owned" {
			t.Errorf("%s: not conditioned on the cluster's tag: %v", sid, by[sid].Condition)
		}
	}
	for _, sid := range []string{"AllowScopedEC2InstanceActionsWithTags", "AllowScopedResourceCreationTagging", "AllowScopedInstanceProfileCreationActions"} {
		if got := by[sid].Condition["StringEquals"]["aws:RequestTag/eks:eks-cluster-name"]; got != "prod" {
			t.Errorf("%s: not conditioned on the cluster name request tag: %v", sid, by[sid].Condition)
		}
	}
	if r := resources(by["AllowPassingInstanceRole"]); !slices.Equal(r, []string{testKarpenterVars.NodeRoleArn}) {
		t.Errorf("PassRole on %v, want the node role only", r)
	}
	if r := resources(by["AllowInterruptionQueueActions"]); !slices.Equal(r, []string{testKarpenterVars.QueueArn}) {
		t.Errorf("queue actions on %v, want the queue only", r)
	}
	if r := resources(by["AllowAPIServerEndpointDiscovery"]); !slices.Equal(r, []string{"arn:aws:eks:eu-west-1:123456789012:cluster/prod"}) {
		t.Errorf("DescribeCluster on %v", r)
	}
}

// Without interruption handling there is no queue and no queue policy; a variable
// without a value is an error, not an empty ARN.
func TestKarpenterControllerPoliciesWithoutQueueAndMissingValues(t *testing.T) {
	v := testKarpenterVars
	v.QueueArn = ""
	policies, err := KarpenterControllerPolicies(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range policies {
		if p.Key == "Interruption" || strings.Contains(p.JSON, "sqs:") {
			t.Errorf("interruption policy without a queue: %s", p.JSON)
		}
	}
	v = testKarpenterVars
	v.NodeRoleArn = ""
	if _, err := KarpenterControllerPolicies(v); err == nil || !strings.Contains(err.Error(), "KarpenterNodeRole.Arn") {
		t.Errorf("want an error naming the missing variable, got %v", err)
	}
}

func TestKarpenterQueuePolicyAndRules(t *testing.T) {
	doc, err := KarpenterQueuePolicy(testKarpenterVars.QueueArn)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Statement []struct {
			Effect    string
			Principal any
			Action    string
			Resource  string
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Statement) != 2 {
		t.Fatalf("queue policy %s", doc)
	}
	send, deny := d.Statement[0], d.Statement[1]
	if send.Effect != "Allow" || send.Action != "sqs:SendMessage" || send.Resource != testKarpenterVars.QueueArn ||
		!strings.Contains(doc, `"events.amazonaws.com"`) || !strings.Contains(doc, `"sqs.amazonaws.com"`) {
		t.Errorf("send statement %+v", send)
	}
	if deny.Effect != "Deny" || deny.Resource != testKarpenterVars.QueueArn || deny.Condition["Bool"]["aws:SecureTransport"] != false {
		t.Errorf("deny-HTTP statement %+v", deny)
	}
	rules, err := KarpenterInterruptionRules()
	if err != nil {
		t.Fatal(err)
	}
	var keys, types []string
	for _, r := range rules {
		keys = append(keys, r.Key)
		var p struct {
			Source     []string `json:"source"`
			DetailType []string `json:"detail-type"`
		}
		if err := json.Unmarshal([]byte(r.Pattern), &p); err != nil || len(p.Source) != 1 || len(p.DetailType) != 1 {
			t.Errorf("%s: pattern %s (%v)", r.Key, r.Pattern, err)
		}
		types = append(types, p.DetailType...)
	}
	if want := []string{"ScheduledChange", "SpotInterruption", "Rebalance", "InstanceStateChange", "CapacityReservationInterruption"}; !slices.Equal(keys, want) {
		t.Errorf("rules %v, want %v", keys, want)
	}
	for _, want := range []string{"AWS Health Event", "EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation", "EC2 Instance State-change Notification"} {
		if !slices.Contains(types, want) {
			t.Errorf("no rule for %q (have %v)", want, types)
		}
	}
	retention, sse, err := KarpenterQueueSettings()
	if err != nil || retention != 300 || !sse {
		t.Errorf("queue settings %d %v %v", retention, sse, err)
	}
}

// The chart's five CRDs parse as the CRD code requires, and are the kinds Karpenter
// v1 serves.
func TestKarpenterCRDs(t *testing.T) {
	crds, err := KarpenterChartAddon().CRDs()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range crds {
		names = append(names, c.Name)
	}
	want := []string{"capacitybuffers.autoscaling.x-k8s.io", "ec2nodeclasses.karpenter.k8s.aws", "nodeclaims.karpenter.sh", "nodeoverlays.karpenter.sh", "nodepools.karpenter.sh"}
	if !slices.Equal(names, want) {
		t.Errorf("CRDs %v, want %v", names, want)
	}
}
