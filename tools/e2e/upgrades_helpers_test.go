package e2e

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
)

// More resource types the upgrade and scenario tests talk about.
const (
	tLaunchTemplate = "aws:ec2/launchTemplate:LaunchTemplate"
	tAttachment     = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tPolicy         = "aws:iam/policy:Policy"
	tPodIdentity    = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
	tCRD            = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"
)

// mut is how a journal mutation is written in expectations: "<op> <type> <name>".
func mut(op, typ, part string) string { return op + " " + typ + " " + child(part) }

// mutations lists a step's journal mutations (creates, updates, deletes) as
// mut strings, sorted; failed operations are marked.
func mutations(j *journal.Journal) []string {
	var out []string
	for _, e := range j.Mutations().Entries {
		s := e.Op + " " + e.Type + " " + e.Name
		if e.Error != "" {
			s += " (FAILED: " + e.Error + ")"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// requireMutations fails unless the step's journal holds exactly want (as a multiset).
func requireMutations(t *testing.T, step string, j *journal.Journal, want ...string) {
	t.Helper()
	got := mutations(j)
	w := append([]string(nil), want...)
	sort.Strings(w)
	if strings.Join(got, "\n") == strings.Join(w, "\n") {
		return
	}
	count := map[string]int{}
	for _, s := range got {
		count[s]++
	}
	for _, s := range w {
		count[s]--
	}
	var extra, missing []string
	for _, s := range sortedKeys(count) {
		for n := count[s]; n > 0; n-- {
			extra = append(extra, s)
		}
		for n := count[s]; n < 0; n++ {
			missing = append(missing, s)
		}
	}
	t.Errorf("%s: the cloud did not change exactly what it should.\n  unexpected: %s\n  missing:    %s\n  all:        %s",
		step, listOrNone(extra), listOrNone(missing), listOrNone(got))
}

func sortedKeys[V any](m map[string]V) []string { return keys(m) }

func listOrNone(ss []string) string {
	if len(ss) == 0 {
		return "(none)"
	}
	return "\n    " + strings.Join(ss, "\n    ")
}

// requireClean fails on any error or warning line of a step's journal.
func requireClean(t *testing.T, step string, j *journal.Journal) {
	t.Helper()
	for _, e := range j.Errors().Entries {
		t.Errorf("%s: journal error line: %s: %s", step, journal.Label(e), e.Error)
	}
	for _, e := range j.Warnings().Entries {
		t.Errorf("%s: journal warning line: %s: %s", step, journal.Label(e), e.Warning)
	}
}

// requireClusterKept fails when a step created or deleted the cluster, its IAM
// role or the OIDC provider (a replacement of any of them is a new cluster for
// every workload and every IRSA trust).
func requireClusterKept(t *testing.T, step string, j *journal.Journal) {
	t.Helper()
	for _, e := range j.Filter(func(e journal.Entry) bool {
		if e.Op != "create" && e.Op != "delete" {
			return false
		}
		return e.Type == tCluster || e.Type == tOIDC || (e.Type == tRole && e.Name == child("cluster-role"))
	}).Entries {
		t.Errorf("%s: the cluster must never be replaced, but the journal holds %s", step, journal.Label(e))
	}
}

// requireFirstUpClean asserts a first up only created, created every simulated
// resource of the state exactly once, and nothing else, with no error or warning.
func requireFirstUpClean(t *testing.T, step string, up *journal.Journal, g *journal.Graph) {
	t.Helper()
	requireClean(t, step, up)
	if n := up.Filter(func(e journal.Entry) bool { return e.Op == "update" || e.Op == "delete" }).Len(); n != 0 {
		t.Errorf("%s: a first up should only create, found %d updates/deletes", step, n)
	}
	created := map[string]int{}
	for _, e := range up.Creates().Entries {
		created[e.URN]++
	}
	for _, n := range g.Nodes {
		if n.Simulated() && created[n.URN] != 1 {
			t.Errorf("%s: %s %s is in the state but was created %d times", step, n.Type, n.Name, created[n.URN])
		}
	}
	for urn := range created {
		if g.ByURN[urn] == nil {
			t.Errorf("%s: %s was created but is not in the state", step, urn)
		}
	}
	if up.Creates().Type(tCluster).Len() != 1 {
		t.Errorf("%s: want exactly one cluster created, got %d", step, up.Creates().Type(tCluster).Len())
	}
}

// requireAllDeleted asserts that, over the whole journal of a workspace, every
// successful create was matched by a successful delete.
func requireAllDeleted(t *testing.T, all *journal.Journal) {
	t.Helper()
	requireAllDeletedBut(t, all, nil)
}

// requireAllDeletedBut is requireAllDeleted for a destroy that must leave exactly the
// resources retained (retainOnDelete in the state: the platform's CRDs, whose deletion
// would delete every custom resource of their kinds) in the cloud, each with one live
// instance, and delete everything else. The subnets' load balancer role tags are
// always retained (shared by every platform in the subnets: docs/design.md, "Subnet
// tags"), so each one created must still be there.
func requireAllDeletedBut(t *testing.T, all *journal.Journal, retained map[string]bool) {
	t.Helper()
	live := map[string]int{}
	roleTags := map[string]bool{}
	for _, e := range all.Entries {
		if e.Error != "" {
			continue
		}
		switch e.Op {
		case "create":
			live[e.URN]++
			if isSubnetRoleTag(e.Type, e.URN) {
				roleTags[e.URN] = true
			}
		case "delete":
			live[e.URN]--
		}
	}
	for _, urn := range sortedKeys(live) {
		if retained[urn] || roleTags[urn] {
			if live[urn] != 1 {
				t.Errorf("destroy: %s is retained on delete, but has %d live instances, want 1", urn, live[urn])
			}
		} else if live[urn] != 0 {
			t.Errorf("destroy: %s left with %d live instances", urn, live[urn])
		}
	}
	for urn := range retained {
		if _, ok := live[urn]; !ok {
			t.Errorf("destroy: %s is retained on delete, but was never created", urn)
		}
	}
}

// node is the state node of a type and name (nil when absent).
func node(g *journal.Graph, typ, name string) *journal.Node {
	for _, n := range g.OfType(typ) {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// mustNode is node, failing the test when it is absent.
func mustNode(t *testing.T, g *journal.Graph, typ, name string) *journal.Node {
	t.Helper()
	n := node(g, typ, name)
	if n == nil {
		var have []string
		for _, x := range g.OfType(typ) {
			have = append(have, x.Name)
		}
		t.Fatalf("state has no %s %s (has: %s)", typ, name, strings.Join(have, ", "))
	}
	return n
}

// secretSig marks a secret in a deployment's JSON.
const secretSig = "4dabf18193072939515e22adb298388d"

// unsecret is v with a secret's envelope removed when the state shows its
// plaintext (`stack export --show-secrets`, which the Automation API's Export runs).
func unsecret(v any) any {
	m, ok := v.(map[string]any)
	if !ok || m[secretSig] == nil {
		return v
	}
	p, ok := m["plaintext"].(string)
	if !ok {
		return v
	}
	var out any
	if err := json.Unmarshal([]byte(p), &out); err != nil {
		return p
	}
	return unsecret(out)
}

// str reads a string at a path of a state property map ("" when absent),
// looking through secrets.
func str(m map[string]any, path ...string) string {
	var cur any = m
	for _, k := range path {
		mm, ok := unsecret(cur).(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[k]
	}
	switch v := unsecret(cur).(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// one returns the single entry of es, failing the test otherwise.
func one(t *testing.T, what string, es []journal.Entry) journal.Entry {
	t.Helper()
	if len(es) != 1 {
		t.Fatalf("want exactly one %s in the journal, got %d (%s)", what, len(es), names(es))
	}
	return es[0]
}

// trustDoc is an IAM trust policy as the component writes it.
type trustDoc struct {
	Statement []struct {
		Effect    string                    `json:"Effect"`
		Principal map[string]any            `json:"Principal"`
		Action    any                       `json:"Action"`
		Condition map[string]map[string]any `json:"Condition"`
	} `json:"Statement"`
}

func parseTrust(t *testing.T, role *journal.Node) trustDoc {
	t.Helper()
	raw := str(role.Res.Inputs, "assumeRolePolicy")
	var d trustDoc
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		t.Fatalf("role %s: trust policy is not JSON: %v\n%s", role.Name, err, raw)
	}
	return d
}

func fmtEntries(es []journal.Entry) string {
	var out []string
	for _, e := range es {
		out = append(out, journal.Label(e))
	}
	return fmt.Sprint(out)
}

// isSubnetRoleTag: a platform's kubernetes.io/role/elb or /internal-elb subnet tag
// (network.go names them "<platform>-subnet-<id>-elb-tag" and "…-internal-elb-tag").
func isSubnetRoleTag(typ, urn string) bool {
	return typ == "aws:ec2/tag:Tag" && strings.HasSuffix(urn, "-elb-tag")
}
