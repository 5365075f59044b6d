package e2e

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

// Resource types the ordering rules talk about.
const (
	tTag          = "aws:ec2/tag:Tag"
	tRole         = "aws:iam/role:Role"
	tKey          = "aws:kms/key:Key"
	tLogGroup     = "aws:cloudwatch/logGroup:LogGroup"
	tCluster      = "aws:eks/cluster:Cluster"
	tOIDC         = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	tNodeGroup    = "aws:eks/nodeGroup:NodeGroup"
	tFargate      = "aws:eks/fargateProfile:FargateProfile"
	tAddon        = "aws:eks/addon:Addon"
	tAccessEntry  = "aws:eks/accessEntry:AccessEntry"
	tAssociation  = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
	tConfigMap    = "kubernetes:core/v1:ConfigMap"
	tConfigMapPat = "kubernetes:core/v1:ConfigMapPatch"
	tRelease      = "kubernetes:helm.sh/v3:Release"
	tK8sProvider  = "pulumi:providers:kubernetes"
	tComponent    = "eksplatform:index:EksPlatform"
)

// Add-ons nodes need to start (created before compute) and the ones that need nodes.
var (
	preNodeAddons = []string{"vpc-cni", "kube-proxy", "eks-pod-identity-agent"}
	// nodesJoinWith are those a node needs to become Ready: node groups wait for them.
	nodesJoinWith  = []string{"vpc-cni", "kube-proxy"}
	postNodeAddons = []string{"coredns", "aws-ebs-csi-driver"}
	helmReleases   = []string{"aws-load-balancer-controller", "metrics-server", "external-dns"}
	helmWithRole   = []string{"aws-load-balancer-controller", "external-dns"}
)

// defaultKubernetesVersion is the component's default kubernetesVersion, which the
// examples and the test programs use (the examples by leaving it out or by their
// Pulumi.dev.yaml.example).
const defaultKubernetesVersion = "1.36"

// expect is what a platform variant must contain (so a stage not registered
// yet fails with a clear message instead of passing vacuously).
type expect struct {
	nodeGroups, fargateProfiles int
	addons                      []string          // EKS add-on names
	releases                    []string          // Helm release names (catalogue name)
	accessEntries               int               // at least
	configMap                   bool              // aws-auth ConfigMap
	clusterTags                 map[string]string // tags the cluster must carry (at least)
	// runsOn maps every workload of the variant (coredns, the EBS CSI driver and each
	// Helm release, by EKS add-on or release name) to the compute that runs it, the
	// only compute it waits for (rule 4), as a child name part ("ng-system",
	// "fargate-kube-system"): the first Fargate profile (in input order) whose selector
	// matches its namespace (coredns and the EBS CSI driver skip Fargate when there is a
	// node group), else the first node group (in input order) that starts with nodes
	// and whose taints its pods tolerate (coredns and the EBS CSI driver tolerate
	// CriticalAddonsOnly, a release nothing).
	runsOn  map[string]string
	version string // the cluster's Kubernetes version ("" is defaultKubernetesVersion)
}

// fullPlatform is what the shipped examples (and goArgs("full")) build. The system
// node group, the first, is tainted CriticalAddonsOnly, which coredns and the EBS CSI
// driver tolerate: they run there. The Helm releases tolerate no taint, and no Fargate
// profile selects kube-system or external-dns: they run on general.
var fullPlatform = expect{
	nodeGroups: 2, fargateProfiles: 2,
	addons:        append(append([]string{}, preNodeAddons...), postNodeAddons...),
	releases:      helmReleases,
	accessEntries: 2, // the caller and the team admin
	runsOn: map[string]string{
		"coredns": "ng-system", "aws-ebs-csi-driver": "ng-system",
		"aws-load-balancer-controller": "ng-general", "metrics-server": "ng-general", "external-dns": "ng-general",
	},
}

// exampleRun is fullPlatform as the shipped example ex builds it on stack: the
// examples tag every resource with their project and stack, so the tags tell
// that the example's own program ran, in its own project.
func exampleRun(ex example, stack string) expect {
	e := fullPlatform
	e.clusterTags = map[string]string{"project": ex.project, "stack": stack}
	return e
}

var configMapPlatform = expect{
	nodeGroups: 2, fargateProfiles: 1,
	addons:    append(append([]string{}, preNodeAddons...), postNodeAddons...),
	configMap: true,
	runsOn:    map[string]string{"coredns": "ng-system", "aws-ebs-csi-driver": "ng-system"},
}

func child(part string) string { return component + "-" + part }

func names(es []journal.Entry) string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// requireBefore fails for every a that did not end before some b started.
func requireBefore(t *testing.T, rule, what string, as, bs []journal.Entry) {
	t.Helper()
	if len(as) == 0 || len(bs) == 0 {
		t.Errorf("%s: %s: nothing to compare (%d before-entries: %s; %d after-entries: %s)", rule, what, len(as), names(as), len(bs), names(bs))
		return
	}
	for _, p := range journal.NotBefore(as, bs) {
		t.Errorf("%s: %s: %s did not end before %s started (%d > %d ms)", rule, what, p.A.Name, p.B.Name, p.A.EndMS, p.B.StartMS)
	}
}

// requireEntryBefore fails unless a ended before b started. Unlike requireBefore it
// compares the two entries even when they share a URN: a replacement's delete and
// create are one URN but two cloud objects, and their order is what is checked.
func requireEntryBefore(t *testing.T, rule, what string, a, b journal.Entry) {
	t.Helper()
	if !journal.Before(a, b) {
		t.Errorf("%s: %s: %s did not end before %s started", rule, what, journal.Label(a), journal.Label(b))
	}
}

// requireReplacedNewFirst fails unless every resource both created and deleted in
// the journal (a create-before-delete replacement: one URN, two cloud objects) had its
// new object's create end before its old object's delete started: no capacity gap.
// requireBefore cannot say this, since it skips pairs of one URN. At least one such
// replacement must be there, so the check cannot pass on a journal without one.
func requireReplacedNewFirst(t *testing.T, rule, what string, creates, deletes []journal.Entry) {
	t.Helper()
	pairs := 0
	for _, c := range creates {
		for _, d := range deletes {
			if c.URN != d.URN {
				continue
			}
			pairs++
			if !journal.Before(c, d) {
				t.Errorf("%s: %s: %s: the new object's create [%d,%d]ms did not end before the old one's delete [%d,%d]ms",
					rule, what, c.Name, c.StartMS, c.EndMS, d.StartMS, d.EndMS)
			}
		}
	}
	if pairs == 0 {
		t.Errorf("%s: %s: no replacement in the journal (%d creates: %s; %d deletes: %s)", rule, what,
			len(creates), names(creates), len(deletes), names(deletes))
	}
}

// requireCount fails when the journal does not hold n entries (or at least n when atLeast).
func requireCount(t *testing.T, what string, es []journal.Entry, n int, atLeast bool) {
	t.Helper()
	if len(es) == n || atLeast && len(es) > n {
		return
	}
	cmp := "exactly"
	if atLeast {
		cmp = "at least"
	}
	t.Errorf("component incomplete: want %s %d %s created, got %d (%s)", cmp, n, what, len(es), names(es))
}

// checkUp asserts a first `pulumi up` created everything once, cleanly, in
// the order of docs/ordering.md. up holds the journal entries of that up; g is the
// state after it.
func checkUp(t *testing.T, up *journal.Journal, g *journal.Graph, want expect) {
	t.Helper()
	for _, e := range up.Errors().Entries {
		t.Errorf("journal error line: %s: %s", journal.Label(e), e.Error)
	}
	for _, e := range up.Warnings().Entries {
		t.Errorf("journal warning line: %s: %s", journal.Label(e), e.Warning)
	}
	if n := up.Filter(func(e journal.Entry) bool { return e.Op == "update" || e.Op == "delete" }).Len(); n != 0 {
		t.Errorf("a first up should only create, found %d updates/deletes", n)
	}
	cr := up.Creates()

	// Everything in the state was created exactly once, and nothing else was.
	created := map[string]int{}
	for _, e := range cr.Entries {
		created[e.URN]++
	}
	for _, n := range g.Nodes {
		if !n.Simulated() {
			continue
		}
		if created[n.URN] != 1 {
			t.Errorf("%s %s is in the state but was created %d times", n.Type, n.Name, created[n.URN])
		}
	}
	for urn := range created {
		if g.ByURN[urn] == nil {
			t.Errorf("%s was created but is not in the state", urn)
		}
	}

	// What the variant must contain.
	cluster := cr.Type(tCluster).Entries
	requireCount(t, "EKS cluster", cluster, 1, false)
	requireCount(t, "node groups", cr.Type(tNodeGroup).Entries, want.nodeGroups, false)
	requireCount(t, "Fargate profiles", cr.Type(tFargate).Entries, want.fargateProfiles, false)
	requireCount(t, "OIDC provider", cr.Type(tOIDC).Entries, 1, false)
	requireCount(t, "control-plane log group", cr.Type(tLogGroup).Entries, 1, false)
	requireCount(t, "subnet tags", cr.Type(tTag).Entries, 4, true)
	requireCount(t, "KMS key", cr.Type(tKey).Entries, 1, false)
	if want.accessEntries > 0 {
		requireCount(t, "access entries", cr.Type(tAccessEntry).Entries, want.accessEntries, true)
	}
	for _, a := range want.addons {
		requireCount(t, "EKS add-on "+a, cr.Type(tAddon).Name(child(a)).Entries, 1, false)
	}
	for _, r := range want.releases {
		requireCount(t, "Helm release "+r, cr.Type(tRelease).Name(child(r)).Entries, 1, false)
	}
	awsAuth := cr.Filter(func(e journal.Entry) bool {
		return (e.Type == tConfigMap || e.Type == tConfigMapPat) && strings.Contains(e.Name, "aws-auth")
	}).Entries
	if want.configMap {
		requireCount(t, "aws-auth ConfigMap", awsAuth, 1, false)
	}
	if len(cluster) != 1 {
		return
	}
	if want.clusterTags != nil {
		if c := g.OfType(tCluster); len(c) == 1 {
			for k, v := range want.clusterTags {
				if got := str(c[0].Res.Inputs, "tags", k); got != v {
					t.Errorf("cluster tag %s = %q, want %q (tags %s)", k, got, v, str(c[0].Res.Inputs, "tags"))
				}
			}
		}
	}

	compute := append(cr.Type(tNodeGroup).Entries, cr.Type(tFargate).Entries...)

	version := want.version
	if version == "" {
		version = defaultKubernetesVersion
	}
	if c := g.OfType(tCluster); len(c) == 1 {
		if got := str(c[0].Res.Outputs, "version"); got != version {
			t.Errorf("cluster version %q, want %q", got, version)
		}
	}
	checkSecureDefaults(t, g, want)

	// Rule 1: tags, the cluster role and its attachments, the KMS key and the
	// log group end before the cluster starts.
	pre := cr.Filter(func(e journal.Entry) bool {
		return e.Type == tTag || e.Type == tKey || e.Type == tLogGroup ||
			strings.HasPrefix(e.Name, child("cluster-role"))
	}).Entries
	if cr.NameContains(child("cluster-role")).Type(tRole).Len() != 1 {
		t.Errorf("rule 1: cluster role %s not created", child("cluster-role"))
	}
	requireBefore(t, "rule 1", "tags/cluster role/attachments/KMS key/log group before the cluster", pre, cluster)

	// Rule 2: OIDC after the cluster; IRSA roles after the OIDC provider.
	oidc := cr.Type(tOIDC).Entries
	requireBefore(t, "rule 2", "cluster before the OIDC provider", cluster, oidc)
	var irsa []journal.Entry
	for _, n := range g.OfType(tRole) {
		if strings.Contains(fmt.Sprint(n.Res.Inputs["assumeRolePolicy"]), "AssumeRoleWithWebIdentity") {
			irsa = append(irsa, cr.Filter(func(e journal.Entry) bool { return e.URN == n.URN }).Entries...)
		}
	}
	if len(want.releases) > 0 || len(want.addons) > 4 {
		requireBefore(t, "rule 2", "OIDC provider before IRSA roles", oidc, irsa)
	}

	// Rule 3: access entries, their policy associations and aws-auth before all compute.
	access := append(cr.Type(tAccessEntry).Entries, cr.Type(tAssociation).Entries...)
	access = append(access, awsAuth...)
	requireBefore(t, "rule 3", "access entries/associations/aws-auth before node groups and Fargate profiles", access, compute)

	// Rule 4: vpc-cni and kube-proxy (what a node needs to become Ready when it joins)
	// before the node groups, by a recorded dependency, so at any --parallel; the pod
	// identity agent, which nothing reads at join, overlaps them (rule 8). Fargate runs
	// none of them; the first profile must not wait for them (rule 8). coredns, EBS CSI
	// and every Helm release after the compute that runs them, and after no other
	// compute (but what rule 9 makes them wait for).
	var preAdd []journal.Entry
	for _, a := range preNodeAddons {
		preAdd = append(preAdd, cr.Type(tAddon).Name(child(a)).Entries...)
	}
	if len(preAdd) == 0 && len(cr.Type(tNodeGroup).Entries) > 0 {
		t.Errorf("rule 4: no node add-on created for the node groups")
	}
	for _, a := range nodesJoinWith {
		u := urnOf(g, tAddon, child(a))
		if u == "" || cr.Type(tNodeGroup).Len() == 0 {
			continue
		}
		requireBefore(t, "rule 4", a+" before the node groups start", cr.Type(tAddon).Name(child(a)).Entries, cr.Type(tNodeGroup).Entries)
		for _, ng := range g.OfType(tNodeGroup) {
			if !g.DependsOn(ng.URN, u) {
				t.Errorf("rule 4: node group %s does not depend on %s; its nodes would join without it at a low --parallel", ng.Name, a)
			}
		}
	}
	for _, ng := range g.OfType(tNodeGroup) {
		if u := urnOf(g, tAddon, child("eks-pod-identity-agent")); u != "" && g.DependsOn(ng.URN, u) {
			t.Errorf("rule 8: node group %s waits for the pod identity agent, which nothing reads when nodes join", ng.Name)
		}
	}
	for _, fp := range g.OfType(tFargate) {
		for _, a := range preNodeAddons {
			if u := urnOf(g, tAddon, child(a)); u != "" && g.DependsOn(fp.URN, u) {
				t.Errorf("rule 8: Fargate profile %s waits for %s, which only nodes need", fp.Name, a)
			}
		}
	}
	var workloads, systemAddons []*journal.Node
	for _, a := range postNodeAddons {
		if n := node(g, tAddon, child(a)); n != nil {
			workloads, systemAddons = append(workloads, n), append(systemAddons, n)
		}
	}
	alb := node(g, tRelease, child("aws-load-balancer-controller"))
	for _, r := range want.releases {
		if n := node(g, tRelease, child(r)); n != nil {
			workloads = append(workloads, n)
		}
	}
	for _, w := range workloads {
		on, ok := want.runsOn[strings.TrimPrefix(w.Name, child(""))]
		if !ok {
			t.Errorf("rule 4: the test does not say which compute runs %s", w.Name)
			continue
		}
		// What rule 9 makes it wait for, and so the compute that runs those.
		var via []*journal.Node
		switch {
		case w.Type == tRelease && w == alb:
			via = systemAddons
		case w.Type == tRelease && alb != nil:
			via = []*journal.Node{alb}
		}
		checkRunsOn(t, cr, g, w, on, via...)
	}

	// Rule 9: the ALB controller's webhook rejects every other Service until its pods
	// serve it: it is installed after coredns (which makes a Service), and every other
	// release after it.
	if alb != nil {
		albE := cr.Type(tRelease).Name(alb.Name).Entries
		requireBefore(t, "rule 9", "coredns before the ALB controller", cr.Type(tAddon).Name(child("coredns")).Entries, albE)
		var others []journal.Entry
		for _, r := range g.OfType(tRelease) {
			if r == alb {
				continue
			}
			others = append(others, cr.Type(tRelease).Name(r.Name).Entries...)
			if !g.DependsOn(r.URN, alb.URN) {
				t.Errorf("rule 9: release %s does not depend on the ALB controller", r.Name)
			}
		}
		if len(others) > 0 {
			requireBefore(t, "rule 9", "the ALB controller before every other release", albE, others)
		}
	}

	// Rule 5: Fargate profiles never overlap.
	for _, p := range journal.Overlaps(cr.Type(tFargate).Entries) {
		t.Errorf("rule 5: Fargate profiles overlap: %s", p)
	}

	// Rule 6: each Helm release after its IAM role (and policy, attachment),
	// and after its access (rule 3 + 4 give access < compute < release).
	for _, r := range want.releases {
		rel := cr.Type(tRelease).Name(child(r)).Entries
		deps := cr.Filter(func(e journal.Entry) bool { return strings.HasPrefix(e.Name, child(r)+"-") }).Entries
		if contains(helmWithRole, r) {
			if len(cr.Type(tRole).Name(child(r+"-role")).Entries) != 1 {
				t.Errorf("rule 6: Helm release %s has no IAM role %s", r, child(r+"-role"))
			}
			requireBefore(t, "rule 6", "IAM role/policy of "+r+" before its release", deps, rel)
		}
		requireBefore(t, "rule 6", "access before "+r, access, rel)
	}

	// Rule 7: every Kubernetes resource uses the component's own provider.
	checkKubernetesProvider(t, g)

	// Rule 8: nothing is more serial than §3: independent resources do not
	// depend on each other in the state, and the longer ones (node groups,
	// Helm releases) ran at the same time. (IAM roles and tags take a few ms at
	// test scale, so their parallelism is read from the graph, and tags' from
	// nothing else.)
	independent := func(what string, ns []*journal.Node) {
		for i, a := range ns {
			for _, b := range ns[i+1:] {
				if g.DependsOn(a.URN, b.URN) || g.DependsOn(b.URN, a.URN) {
					t.Errorf("rule 8: %s %s and %s depend on each other; they are independent", what, a.Name, b.Name)
				}
			}
		}
	}
	var baseRoles []*journal.Node
	for _, part := range []string{"cluster-role", "node-role", "fargate-role"} {
		if n := g.ByURN[urnOf(g, tRole, child(part))]; n != nil {
			baseRoles = append(baseRoles, n)
		}
	}
	independent("IAM roles", baseRoles)
	independent("subnet tags", g.OfType(tTag))
	independent("node groups", g.OfType(tNodeGroup))
	// The releases but the ALB controller (rule 9) are independent of one another.
	var otherReleases []*journal.Node
	var otherEntries []journal.Entry
	for _, r := range g.OfType(tRelease) {
		if r != alb {
			otherReleases = append(otherReleases, r)
			otherEntries = append(otherEntries, cr.Type(tRelease).Name(r.Name).Entries...)
		} else {
			for _, o := range g.OfType(tRelease) {
				if o != alb && g.DependsOn(alb.URN, o.URN) {
					t.Errorf("rule 9: the ALB controller depends on release %s, which must wait for it", o.Name)
				}
			}
		}
	}
	independent("Helm releases", otherReleases)
	if want.nodeGroups >= 2 && len(journal.Overlaps(cr.Type(tNodeGroup).Entries)) == 0 {
		t.Errorf("rule 8: node groups were created one after another; they are independent")
	}
	if len(otherReleases) >= 2 && len(journal.Overlaps(otherEntries)) == 0 {
		t.Errorf("rule 8: Helm releases (but the ALB controller) were created one after another; they are independent")
	}
}

// checkRunsOn asserts rule 4 for workload w, which runs on the compute named on (a
// child name part, "ng-system" or "fargate-kube-system"): in the journal cr of the up
// that created both, on's create ended before w's started; in the state g, w waits for
// on itself and no other compute (waitsOnlyFor).
func checkRunsOn(t *testing.T, cr *journal.Journal, g *journal.Graph, w *journal.Node, on string, via ...*journal.Node) {
	t.Helper()
	runs := cr.Filter(func(e journal.Entry) bool { return (e.Type == tNodeGroup || e.Type == tFargate) && e.Name == child(on) }).Entries
	requireBefore(t, "rule 4", child(on)+" (the compute that runs it) before "+w.Name, runs,
		cr.Filter(func(e journal.Entry) bool { return e.URN == w.URN }).Entries)
	waitsOnlyFor(t, g, w, on, via...)
}

// waitsOnlyFor asserts from the state that w's own dependencies name exactly one node
// group or Fargate profile, on (a child name part), and that w waits, through any
// chain, for no other compute than on, what on waits for (an earlier profile, rule 5),
// and the compute of via (what w waits for by rule 9: the ALB controller, coredns).
func waitsOnlyFor(t *testing.T, g *journal.Graph, w *journal.Node, on string, via ...*journal.Node) {
	t.Helper()
	isCompute := func(n *journal.Node) bool { return n != nil && (n.Type == tNodeGroup || n.Type == tFargate) }
	onN := node(g, tNodeGroup, child(on))
	if onN == nil {
		onN = node(g, tFargate, child(on))
	}
	if onN == nil {
		t.Errorf("rule 4: no node group or Fargate profile %s in the state (to run %s)", child(on), w.Name)
		return
	}
	var direct []string
	for _, d := range w.Deps {
		if n := g.ByURN[d]; isCompute(n) {
			direct = append(direct, n.Name)
		}
	}
	if len(direct) != 1 || direct[0] != onN.Name {
		t.Errorf("rule 4: %s depends on the compute %v; want exactly %s, the compute that runs it", w.Name, direct, onN.Name)
	}
	for _, c := range append(g.OfType(tNodeGroup), g.OfType(tFargate)...) {
		if c == onN || g.DependsOn(onN.URN, c.URN) || !g.DependsOn(w.URN, c.URN) {
			continue
		}
		ok := false
		for _, v := range via {
			ok = ok || g.DependsOn(v.URN, c.URN)
		}
		if !ok {
			t.Errorf("rule 4: %s waits for %s, which does not run it (it runs on %s)", w.Name, c.Name, onN.Name)
		}
	}
}

// checkSecureDefaults asserts the defaults of a platform that sets none of them: every
// launch template requires IMDSv2 with a hop limit of 1 (pods off the host network
// cannot reach IMDS and borrow the node role); vpc-cni runs on a role of its own,
// trusted through IRSA by exactly kube-system:aws-node, which alone has
// AmazonEKS_CNI_Policy (the shared node role does not).
func checkSecureDefaults(t *testing.T, g *journal.Graph, want expect) {
	t.Helper()
	for _, lt := range g.OfType(tLaunchTemplate) {
		mo := lt.Res.Inputs["metadataOptions"]
		if tokens, hops := str(lt.Res.Inputs, "metadataOptions", "httpTokens"), str(lt.Res.Inputs, "metadataOptions", "httpPutResponseHopLimit"); tokens != "required" || hops != "1" {
			t.Errorf("launch template %s: metadataOptions %v, want httpTokens required and httpPutResponseHopLimit 1", lt.Name, mo)
		}
	}
	if want.nodeGroups > 0 && len(g.OfType(tLaunchTemplate)) != want.nodeGroups {
		t.Errorf("want one launch template per node group (%d), got %d", want.nodeGroups, len(g.OfType(tLaunchTemplate)))
	}
	var cniAttachments []*journal.Node
	for _, a := range g.OfType(tAttachment) {
		if strings.HasSuffix(str(a.Res.Inputs, "policyArn"), "/AmazonEKS_CNI_Policy") {
			cniAttachments = append(cniAttachments, a)
		}
	}
	if !contains(want.addons, "vpc-cni") {
		return
	}
	role := node(g, tRole, child("vpc-cni-role"))
	if role == nil {
		t.Errorf("vpc-cni has no IAM role %s", child("vpc-cni-role"))
		return
	}
	if len(cniAttachments) != 1 || str(cniAttachments[0].Res.Inputs, "role") != str(role.Res.Outputs, "name") {
		var on []string
		for _, a := range cniAttachments {
			on = append(on, a.Name+" on "+str(a.Res.Inputs, "role"))
		}
		t.Errorf("AmazonEKS_CNI_Policy: want it attached once, to %s (%s), got %v", role.Name, str(role.Res.Outputs, "name"), on)
	}
	cni := node(g, tAddon, child("vpc-cni"))
	if cni == nil {
		return
	}
	if got := str(cni.Res.Inputs, "serviceAccountRoleArn"); got != str(role.Res.Outputs, "arn") {
		t.Errorf("vpc-cni add-on: serviceAccountRoleArn %q, want its role %s", got, str(role.Res.Outputs, "arn"))
	}
	doc := parseTrust(t, role)
	oidcArn := ""
	if o := node(g, tOIDC, child("oidc")); o != nil {
		oidcArn = str(o.Res.Outputs, "arn")
	}
	if len(doc.Statement) != 1 || fmt.Sprint(doc.Statement[0].Principal["Federated"]) != oidcArn || oidcArn == "" {
		t.Errorf("vpc-cni role %s: want one statement trusting the OIDC provider %q, got %s", role.Name, oidcArn, str(role.Res.Inputs, "assumeRolePolicy"))
	} else {
		var subs []string
		for k, v := range doc.Statement[0].Condition["StringEquals"] {
			if strings.HasSuffix(k, ":sub") {
				subs = append(subs, fmt.Sprint(v))
			}
		}
		if len(subs) != 1 || subs[0] != "system:serviceaccount:kube-system:aws-node" {
			t.Errorf("vpc-cni role %s: sub conditions %q, want exactly system:serviceaccount:kube-system:aws-node", role.Name, subs)
		}
	}
}

func urnOf(g *journal.Graph, typ, name string) string {
	for _, n := range g.OfType(typ) {
		if n.Name == name {
			return n.URN
		}
	}
	return ""
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// checkKubernetesProvider asserts rule 7 from the state: every kubernetes:*
// resource's provider is the component's explicit provider, a child of the
// component, never the default provider (ambient kubeconfig). In the modes that read
// aws-auth, the aws-auth ConfigMap alone uses a second explicit provider of the
// component's ("<name>-k8s-aws-auth", upsert for that object only: rule 3).
func checkKubernetesProvider(t *testing.T, g *journal.Graph) {
	t.Helper()
	var own, awsAuth []*journal.Node
	for _, n := range g.OfType(tK8sProvider) {
		if p := g.ByURN[n.Parent]; p != nil && p.Type == tComponent {
			if strings.HasSuffix(n.Name, "-k8s-aws-auth") {
				awsAuth = append(awsAuth, n)
			} else {
				own = append(own, n)
			}
		}
	}
	if len(own) != 1 || len(awsAuth) > 1 {
		t.Errorf("rule 7: want exactly one kubernetes provider parented to the component and at most one for aws-auth, got %d and %d",
			len(own), len(awsAuth))
		return
	}
	k8s := 0
	for _, n := range g.Nodes {
		if !n.Simulated() || !strings.HasPrefix(n.Type, "kubernetes:") {
			continue
		}
		k8s++
		want := own[0].URN
		if n.Type == "kubernetes:core/v1:ConfigMap" && strings.HasSuffix(n.Name, "-aws-auth") && len(awsAuth) == 1 {
			want = awsAuth[0].URN
		}
		if n.Provider != want {
			t.Errorf("rule 7: %s %s uses provider %q, want the component's %q", n.Type, n.Name, n.Provider, want)
		}
	}
	if k8s == 0 {
		t.Errorf("rule 7: no Kubernetes resource in the state to check")
	}
	for _, p := range append(own, awsAuth...) {
		if !g.DependsOn(p.URN, firstURN(g, tCluster)) {
			t.Errorf("rule 7: the component's kubernetes provider %s does not depend on the cluster (endpoint/CA)", p.Name)
		}
	}
}

func firstURN(g *journal.Graph, typ string) string {
	if ns := g.OfType(typ); len(ns) > 0 {
		return ns[0].URN
	}
	return ""
}

// checkSecretKubeconfig asserts the kubeconfig is secret in the outputs and in the state.
func checkSecretKubeconfig(t *testing.T, outputs map[string]runner.Output, raw json.RawMessage) {
	t.Helper()
	kc, ok := outputs["kubeconfig"]
	if !ok {
		t.Errorf("no kubeconfig stack output (outputs: %v)", keys(outputs))
	} else if !kc.Secret {
		t.Errorf("kubeconfig stack output is not secret")
	}
	var d struct {
		Resources []struct {
			Type    string                     `json:"type"`
			Outputs map[string]json.RawMessage `json:"outputs"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("state: %v", err)
	}
	found := 0
	for _, r := range d.Resources {
		if r.Type != tComponent && r.Type != "pulumi:pulumi:Stack" {
			continue
		}
		v, ok := r.Outputs["kubeconfig"]
		if !ok {
			continue
		}
		found++
		if !strings.Contains(string(v), secretSig) || strings.Contains(string(v), "apiVersion") {
			t.Errorf("kubeconfig of %s is stored in plain text in the state", r.Type)
		}
	}
	if found == 0 {
		t.Errorf("no kubeconfig output in the state")
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkDestroy asserts a destroy deleted everything the run created, dependents first.
// all is the whole journal of the workspace; del the entries of the destroy; g the
// state before the destroy.
func checkDestroy(t *testing.T, all, del *journal.Journal, g *journal.Graph) {
	t.Helper()
	for _, e := range del.Errors().Entries {
		t.Errorf("destroy: journal error line: %s: %s", journal.Label(e), e.Error)
	}
	retained := map[string]bool{}
	for _, n := range g.Nodes {
		if n.Simulated() && n.Res.RetainOnDelete {
			retained[n.URN] = true
		}
	}
	requireAllDeletedBut(t, all, retained)
	checkNoOrphanedInstances(t, all)
	d := del.Deletes()
	ngs := d.Type(tNodeGroup).Entries
	fps := d.Type(tFargate).Entries
	compute := append(append([]journal.Entry{}, ngs...), fps...)
	cluster := d.Type(tCluster).Entries
	// Every Helm release and add-on that runs pods is deleted before the compute it
	// waited for (rule 10), the ALB controller in particular before its nodes (rule 6).
	byURN := func(urn string) []journal.Entry {
		return d.Filter(func(e journal.Entry) bool { return e.URN == urn }).Entries
	}
	for _, w := range g.Nodes {
		podAddon := w.Type == tAddon && contains(postNodeAddons, strings.TrimPrefix(w.Name, child("")))
		if w.Type != tRelease && !podAddon {
			continue
		}
		rule := "destroy"
		if w.Name == child("aws-load-balancer-controller") {
			rule = "rule 6 (destroy)"
		}
		n := 0
		for _, c := range append(g.OfType(tNodeGroup), g.OfType(tFargate)...) {
			if g.DependsOn(w.URN, c.URN) {
				n++
				requireBefore(t, rule, w.Name+" deleted before "+c.Name+", which it waited for", byURN(w.URN), byURN(c.URN))
			}
		}
		if n == 0 && len(g.OfType(tNodeGroup))+len(g.OfType(tFargate)) > 0 {
			t.Errorf("%s: %s waited for no compute", rule, w.Name)
		}
	}
	requireBefore(t, "destroy", "node groups/Fargate profiles deleted before the cluster", compute, cluster)
	requireBefore(t, "destroy", "cluster deleted before its IAM role", cluster, d.Type(tRole).Name(child("cluster-role")).Entries)
	for _, p := range journal.Overlaps(fps) {
		t.Errorf("rule 5 (destroy): Fargate profile deletes overlap: %s", p)
	}
}

// checkNoOrphanedInstances: rule 10 with Karpenter. Every instance Karpenter launched
// for a NodePool (journal op "launch") was terminated by it ("terminate"), and none was
// left running because its NodePool went after the controller ("orphan"): the
// simulator's model of Karpenter is tools/simcloud/karpenter.go.
func checkNoOrphanedInstances(t *testing.T, all *journal.Journal) {
	t.Helper()
	for _, p := range orphanedInstances(all) {
		t.Errorf("rule 10 (destroy): %s", p)
	}
}

// orphanedInstances are the journal's instances Karpenter launched and did not
// terminate, and its orphan warnings.
func orphanedInstances(all *journal.Journal) []string {
	var out []string
	live := map[string]int{}
	for _, e := range all.Entries {
		switch e.Op {
		case "launch":
			live[e.ID]++
		case "terminate":
			live[e.ID]--
		case "orphan":
			out = append(out, e.Warning)
		}
	}
	for _, id := range sortedKeys(live) {
		if live[id] != 0 {
			out = append(out, fmt.Sprintf("instance %s launched by Karpenter is still running (%d)", id, live[id]))
		}
	}
	return out
}
