package addons

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// literalReader reads literal inputs, for tests of an add-on's own Settings (the
// platform's reader, which also waits for Outputs, is tested in the platform package).
type literalReader struct{ problems []string }

func (r *literalReader) String(_ string, in pulumi.StringInput) string {
	s, _ := in.(pulumi.String)
	return string(s)
}

func (r *literalReader) Strings(_ string, in pulumi.StringArrayInput) ([]string, bool) {
	var out []string
	arr, _ := in.(pulumi.StringArray)
	for _, e := range arr {
		s, _ := e.(pulumi.String)
		out = append(out, string(s))
	}
	return out, true
}

func (r *literalReader) Problem(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func ctxFor(a Addon, identity string) ValuesContext {
	vc := ValuesContext{
		ClusterName:       "demo",
		KubernetesVersion: "1.35",
		Region:            "us-west-2",
		VpcID:             "vpc-0123",
		Identity:          identity,
	}
	vc.Settings = settingsFor(a)
	if a.HasRoleFor(vc.Settings) {
		vc.RoleArn = "arn:aws:iam::123456789012:role/demo-" + a.Name
	}
	return vc
}

func policyCtx() PolicyContext {
	return PolicyContext{Partition: "aws", ClusterName: "demo", Settings: externalDNSSettings{HostedZoneIDs: []string{"Z111", "Z222"}}}
}

// Example inputs of the add-ons with inputs of their own, the AWS access on.
const (
	exampleSecretPrefix  = "arn:aws:secretsmanager:us-west-2:111122223333:secret:prod/app-*"
	exampleParameterPath = "arn:aws:ssm:us-west-2:111122223333:parameter/prod/app/*"
)

// settingsFor reads an add-on's example inputs through its Settings, as the platform
// does (the defaults are applied there, once); nil for an add-on without inputs.
func settingsFor(a Addon) any {
	var own any
	switch a.Key {
	case "externalDns":
		own = &ExternalDNSArgs{
			HostedZoneIds: pulumi.ToStringArray([]string{"Z111", "Z222"}),
			DomainFilters: pulumi.ToStringArray([]string{"example.com"}),
		}
	case "certManager":
		own = &CertManagerArgs{Route53HostedZoneIds: pulumi.ToStringArray([]string{"Z111"})}
	case "externalSecrets":
		own = &ExternalSecretsArgs{
			SecretsManagerArns: pulumi.ToStringArray([]string{exampleSecretPrefix}),
			ParameterStoreArns: pulumi.ToStringArray([]string{exampleParameterPath}),
		}
	default:
		return nil
	}
	r := &literalReader{}
	s := a.Settings("addons."+a.Key, own, r, SettingsContext{ClusterName: "demo"})
	if len(r.problems) > 0 {
		panic(r.problems)
	}
	return s
}

// policyCtxFor is policyCtx with the add-on's example settings.
func policyCtxFor(a Addon) PolicyContext {
	pc := policyCtx()
	if s := settingsFor(a); s != nil {
		pc.Settings = s
	}
	return pc
}

func TestCatalogueEntriesAreComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range Catalogue() {
		for field, v := range map[string]string{"Key": a.Key, "Name": a.Name, "Repository": a.Repository, "Chart": a.Chart,
			"Version": a.Version, "AppVersion": a.AppVersion, "Namespace": a.Namespace, "ServiceAccount": a.ServiceAccount, "Summary": a.Summary} {
			if v == "" {
				t.Errorf("%s: %s is empty", a.Key, field)
			}
		}
		if !strings.HasPrefix(a.Repository, "https://") {
			t.Errorf("%s: repository %q is not an https URL", a.Key, a.Repository)
		}
		if len(a.ServiceAccountPath) == 0 || a.Values == nil {
			t.Errorf("%s: needs ServiceAccountPath and Values", a.Key)
		}
		if seen[a.Key] || seen[a.Name] {
			t.Errorf("%s: duplicate key or name", a.Key)
		}
		seen[a.Key], seen[a.Name] = true, true
		if a.Given == nil {
			t.Errorf("%s: no Given (how the platform finds its inputs)", a.Key)
		}
	}
	if !reflect.DeepEqual(catalogueKeys(), []string{"awsLoadBalancerController", "externalDns", "clusterAutoscaler", "metricsServer", "certManager", "externalSecrets"}) {
		t.Errorf("catalogue order changed: %v", catalogueKeys())
	}
}

// The seed pain: a role trusting one service account name while the chart creates
// another fails silently with AccessDenied. Every add-on, under both identities, must
// set the chart's service account to its catalogue name, and annotate it with the role
// only under IRSA.
func TestServiceAccountNameMatchesForEveryAddonAndIdentity(t *testing.T) {
	for _, a := range Catalogue() {
		for _, id := range Identities {
			values := a.Render(ctxFor(a, id))
			got, ok := a.ServiceAccountName(values)
			if !ok || got != a.ServiceAccount {
				t.Errorf("%s/%s: chart service account name %q (set %v), want %q", a.Key, id, got, ok, a.ServiceAccount)
			}
			create, _ := Lookup(values, append(slices.Clone(a.ServiceAccountPath), "create")...)
			if create != true {
				t.Errorf("%s/%s: the chart must create its service account, got create=%v", a.Key, id, create)
			}
			ann, hasAnn := Lookup(values, append(slices.Clone(a.ServiceAccountPath), "annotations", RoleArnAnnotation)...)
			switch {
			case id == IRSA && a.HasRole() && ann != ctxFor(a, id).RoleArn:
				t.Errorf("%s/irsa: role-arn annotation %v, want %s", a.Key, ann, ctxFor(a, id).RoleArn)
			case (id == PodIdentity || !a.HasRole()) && hasAnn:
				t.Errorf("%s/%s: unexpected role-arn annotation %v", a.Key, id, ann)
			}
		}
	}
}

func TestPoliciesAreJSONAndDeterministic(t *testing.T) {
	for _, a := range Catalogue() {
		if !a.HasRole() {
			if a.Name != "metrics-server" {
				t.Errorf("%s has no policy", a.Key)
			}
			continue
		}
		first, err := a.Policy(policyCtxFor(a))
		if err != nil {
			t.Fatalf("%s: %v", a.Key, err)
		}
		for range 20 {
			again, _ := a.Policy(policyCtxFor(a))
			if sha256.Sum256([]byte(again)) != sha256.Sum256([]byte(first)) {
				t.Fatalf("%s: policy bytes differ between runs", a.Key)
			}
		}
		var doc struct {
			Version   string
			Statement []map[string]any
		}
		if err := json.Unmarshal([]byte(first), &doc); err != nil || doc.Version != "2012-10-17" || len(doc.Statement) == 0 {
			t.Errorf("%s: policy is not an IAM document: %v %s", a.Key, err, first)
		}
	}
}

func TestValuesAreDeterministic(t *testing.T) {
	for _, a := range Catalogue() {
		first, _ := json.Marshal(a.Render(ctxFor(a, IRSA)))
		for range 20 {
			again, _ := json.Marshal(a.Render(ctxFor(a, IRSA)))
			if string(again) != string(first) {
				t.Fatalf("%s: values differ between runs", a.Key)
			}
		}
	}
}

// Each partition gets upstream's own file for it, unchanged, and a partition upstream
// publishes no file for is refused rather than given a rewrite.
func TestALBPolicyIsTheVendoredFileByteForByte(t *testing.T) {
	for partition, file := range map[string]string{
		"":           "policies/aws-load-balancer-controller-v3.5.0.json",
		"aws":        "policies/aws-load-balancer-controller-v3.5.0.json",
		"aws-cn":     "policies/aws-load-balancer-controller-v3.5.0-cn.json",
		"aws-us-gov": "policies/aws-load-balancer-controller-v3.5.0-us-gov.json",
	} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := AWSLoadBalancerController().Policy(PolicyContext{Partition: partition, ClusterName: "demo"})
		if err != nil || got != string(raw) {
			t.Errorf("partition %q: want %s byte for byte (err %v)", partition, file, err)
		}
		want := partition
		if want == "" {
			want = "aws"
		}
		if !strings.Contains(got, `"arn:`+want+`:`) {
			t.Errorf("partition %q: policy names no %s ARN", partition, want)
		}
		for _, other := range []string{"aws", "aws-cn", "aws-us-gov"} {
			if other != want && strings.Contains(got, `"arn:`+other+`:`) {
				t.Errorf("partition %q: policy names the %s partition", partition, other)
			}
		}
	}
	if _, err := AWSLoadBalancerController().Policy(PolicyContext{Partition: "aws-iso"}); err == nil || !strings.Contains(err.Error(), "aws, aws-cn, aws-us-gov") {
		t.Errorf("aws-iso: want an error naming the partitions the catalogue has, got %v", err)
	}
}

// Every vendored file is listed in an add-on's provenance with the sha256 of its
// bytes, every listed file exists, and SOURCES.md records the same sha256.
func TestVendoredFilesMatchTheirSHA256(t *testing.T) {
	var onDisk []string
	for _, pattern := range []string{"policies/*.json", "policies/*.yaml", "crds/*.yaml"} {
		found, err := filepath.Glob(pattern)
		if err != nil || len(found) == 0 {
			t.Fatalf("no vendored files %s: %v", pattern, err)
		}
		onDisk = append(onDisk, found...)
	}
	sources, err := os.ReadFile("policies/SOURCES.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	generated, err := SourcesMarkdown(string(sources))
	if err != nil || generated != string(sources) {
		t.Errorf("SOURCES.md is not what the provenance generates (%v): run `make docs`", err)
	}
	for _, v := range vendoredFiles() {
		listed[v.File] = true
		raw, err := os.ReadFile(v.File)
		if err != nil {
			t.Errorf("%s: %v", v.File, err)
			continue
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(raw)); got != v.SHA256 {
			t.Errorf("%s: sha256 %s, provenance says %s (copied from %s@%s:%s)", v.File, got, v.SHA256, v.Repository, v.Tag, v.Path)
		}
		embedded, err := vendored(v.File)
		if err != nil || embedded != string(raw) {
			t.Errorf("%s: the embedded copy differs from the file (%v)", v.File, err)
		}
		for field, val := range map[string]string{"Repository": v.Repository, "Tag": v.Tag, "Commit": v.Commit, "Path": v.Path} {
			if val == "" {
				t.Errorf("%s: provenance %s is empty", v.File, field)
			}
		}
		if !strings.Contains(string(sources), v.SHA256) || !strings.Contains(string(sources), "`"+v.File+"`") {
			t.Errorf("%s: SOURCES.md does not record it with sha256 %s", v.File, v.SHA256)
		}
	}
	for _, f := range onDisk {
		if !listed[f] {
			t.Errorf("%s is vendored but in no add-on's provenance (its files)", f)
		}
	}
	// The embedded .gz files are exactly the .yaml files compressed (the check above
	// compares what vendored returns, the decompressed .gz, with the .yaml): none is
	// left over from a file no longer vendored, and nothing else sits in crds/.
	all, err := filepath.Glob("crds/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range all {
		raw, gz := strings.CutSuffix(f, ".gz")
		if !listed[raw] || (!gz && !strings.HasSuffix(f, ".yaml")) {
			t.Errorf("%s: crds/ holds only listed .yaml files and their .yaml.gz (run make crds)", f)
		}
		if _, err := os.Stat(raw + ".gz"); strings.HasSuffix(f, ".yaml") && err != nil {
			t.Errorf("%s has no %s.gz to embed: run make crds", f, raw)
		}
	}
	if _, err := vendored("policies/aws-load-balancer-controller.json"); err == nil {
		t.Error("vendored reads a file no add-on lists")
	}
}

// Every pin has its source: the upstream tag it was read at names the pinned version.
func TestChartSourcesCoverTheCatalogue(t *testing.T) {
	for _, a := range Catalogue() {
		src := a.sources
		if !strings.HasSuffix(src.upstream.Tag, a.Version) || src.upstream.Repository == "" || src.upstream.Commit == "" || !strings.HasSuffix(src.chartYAML, "Chart.yaml") {
			t.Errorf("%s: source %+v does not name chart %s", a.Key, src.upstream, a.Version)
		}
	}
}

// docs/catalogue.md is what the catalogue generates (`make docs`), and so cannot drift
// from it: one row per add-on, in catalogue order, with its chart, repository, version
// and app version.
func TestCatalogueFileIsGenerated(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", CatalogueFile))
	if err != nil {
		t.Fatalf("%v (run `make docs`)", err)
	}
	text := CatalogueMarkdown()
	if string(raw) != text {
		t.Errorf("%s is not what the catalogue generates: run `make docs` and commit it", CatalogueFile)
	}
	var rows [][]string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		var cells []string
		for _, c := range strings.Split(strings.Trim(line, "|"), "|") {
			cells = append(cells, strings.TrimSpace(c))
		}
		rows = append(rows, cells)
	}
	cat := Catalogue()
	if len(rows) != len(cat) {
		t.Fatalf("catalogue table has %d rows, the catalogue %d add-ons", len(rows), len(cat))
	}
	for i, a := range cat {
		want := []string{"`" + a.Key + "`", fmt.Sprintf("`%s` (`%s`)", a.Chart, a.Repository), fmt.Sprintf("%s (%s)", a.Version, a.AppVersion), a.Namespace}
		if len(rows[i]) < len(want) || !slices.Equal(rows[i][:len(want)], want) {
			t.Errorf("catalogue row %d = %q, want it to start %q", i+1, rows[i], want)
		}
	}
}

// SOURCES.md's tables of pins and vendored files are what the add-ons' provenance
// generates, and every pin's upstream release is recorded there.
func TestSourcesTablesAreGenerated(t *testing.T) {
	raw, err := os.ReadFile("policies/SOURCES.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := SourcesMarkdown(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != want {
		t.Errorf("%s: its generated tables are stale: run `make docs` and commit it", SourcesFile)
	}
	for _, a := range charts() {
		u := a.sources.upstream
		if row := fmt.Sprintf("| `%s` | `%s` | %s (%s) | %s | `%s` (`%s`) |", a.Key, a.Chart, a.Version, a.AppVersion, u.Repository, u.Tag, u.Commit); !strings.Contains(string(raw), row) {
			t.Errorf("%s: SOURCES.md has no row %q", a.Key, row)
		}
	}
	if _, err := SourcesMarkdown("# no markers\n"); err == nil || !strings.Contains(err.Error(), "BEGIN GENERATED chart pins") {
		t.Errorf("a SOURCES.md without markers: want an error naming them, got %v", err)
	}
}

func TestALBValuesCarryClusterRegionVpc(t *testing.T) {
	a := AWSLoadBalancerController()
	v := a.Render(ctxFor(a, IRSA))
	for k, want := range map[string]string{"clusterName": "demo", "region": "us-west-2", "vpcId": "vpc-0123"} {
		if v[k] != want {
			t.Errorf("%s = %v, want %s", k, v[k], want)
		}
	}
}

func TestExternalDNSPolicyNamesOnlyTheGivenZones(t *testing.T) {
	js, err := externalDNS().Policy(PolicyContext{Partition: "aws-us-gov", Settings: externalDNSSettings{HostedZoneIDs: []string{"Z111", "Z222", "Z111"}}})
	if err != nil {
		t.Fatal(err)
	}
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	// Upstream's policy at v0.21.0 (docs/tutorials/aws.md), hostedzone/* narrowed to the
	// given zones: only ListHostedZones is on "*".
	zones := []string{"arn:aws-us-gov:route53:::hostedzone/Z111", "arn:aws-us-gov:route53:::hostedzone/Z222"}
	onZones, onAll := map[string]bool{}, map[string]bool{}
	for _, s := range doc.Statement {
		switch {
		case reflect.DeepEqual(s.Resource, zones):
			for _, act := range s.Action {
				onZones[act] = true
			}
		case reflect.DeepEqual(s.Resource, []string{"*"}):
			for _, act := range s.Action {
				onAll[act] = true
			}
		default:
			t.Errorf("statement %s on %v, want exactly the given zones or *", s.Sid, s.Resource)
		}
	}
	if !reflect.DeepEqual(onZones, map[string]bool{"route53:ChangeResourceRecordSets": true, "route53:ListResourceRecordSets": true, "route53:ListTagsForResources": true}) {
		t.Errorf("actions on the given zones %v, want change/list record sets and list tags", onZones)
	}
	if !reflect.DeepEqual(onAll, map[string]bool{"route53:ListHostedZones": true}) {
		t.Errorf("actions on * %v, want only route53:ListHostedZones", onAll)
	}
	if strings.Contains(js, "hostedzone/*") {
		t.Error("policy allows every zone")
	}
	if _, err := externalDNS().Policy(PolicyContext{}); err == nil {
		t.Error("a policy without zones must be refused")
	}
}

func TestExternalDNSValues(t *testing.T) {
	a := externalDNS()
	vc := ctxFor(a, IRSA)
	v := a.Render(vc)
	if v["policy"] != "upsert-only" || v["txtOwnerId"] != "demo" {
		t.Errorf("defaults: policy %v, txtOwnerId %v", v["policy"], v["txtOwnerId"])
	}
	if p, _ := Lookup(v, "provider", "name"); p != "aws" {
		t.Errorf("provider.name = %v", p)
	}
	if !reflect.DeepEqual(v["extraArgs"], []any{"--zone-id-filter=Z111", "--zone-id-filter=Z222"}) {
		t.Errorf("extraArgs = %v", v["extraArgs"])
	}
	if !reflect.DeepEqual(v["domainFilters"], []any{"example.com"}) {
		t.Errorf("domainFilters = %v", v["domainFilters"])
	}
	e := vc.Settings.(externalDNSSettings)
	e.Policy, e.TxtOwnerID = "sync", "owner-1"
	vc.Settings = e
	v = a.Render(vc)
	if v["policy"] != "sync" || v["txtOwnerId"] != "owner-1" {
		t.Errorf("overrides: policy %v, txtOwnerId %v", v["policy"], v["txtOwnerId"])
	}
}

func TestClusterAutoscalerPolicyWritesOnlyThisClustersGroups(t *testing.T) {
	js, _ := ClusterAutoscaler().Policy(policyCtx())
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	writes := 0
	for _, s := range doc.Statement {
		for _, act := range s.Action {
			if act == "autoscaling:SetDesiredCapacity" || act == "autoscaling:TerminateInstanceInAutoScalingGroup" {
				writes++
				if s.Condition["StringEquals"]["aws:ResourceTag/k8s.io/cluster-autoscaler/demo"] != "owned" {
					t.Errorf("%s is not conditioned on this cluster's tag: %v", act, s.Condition)
				}
			} else if !strings.Contains(act, ":Describe") && !strings.Contains(act, ":Get") {
				t.Errorf("unexpected write action %s", act)
			}
		}
	}
	if writes != 2 {
		t.Errorf("want the two write actions, found %d", writes)
	}
	// Upstream's recommended policy (cluster-autoscaler-1.35.2, SOURCES.md section 3):
	// exactly these actions, no autoscaling:DescribeTags, and the real name of the
	// instance-requirements action.
	var actions []string
	for _, s := range doc.Statement {
		actions = append(actions, s.Action...)
	}
	slices.Sort(actions)
	want := []string{
		"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
		"autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
		"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup",
		"ec2:DescribeImages", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplateVersions",
		"ec2:GetInstanceTypesFromInstanceRequirements", "eks:DescribeNodegroup",
	}
	if !slices.Equal(actions, want) {
		t.Errorf("actions %v\nwant %v", actions, want)
	}
	v := ClusterAutoscaler().Render(ctxFor(ClusterAutoscaler(), IRSA))
	if n, _ := Lookup(v, "autoDiscovery", "clusterName"); n != "demo" || v["awsRegion"] != "us-west-2" {
		t.Errorf("autoDiscovery.clusterName %v, awsRegion %v", n, v["awsRegion"])
	}
}

// The image follows the cluster's minor; upstream's recommended flags are defaults the
// user's values override key by key.
func TestClusterAutoscalerImageFollowsKubernetesMinor(t *testing.T) {
	a := ClusterAutoscaler()
	for minor, tag := range map[string]string{"1.33": "v1.33.6", "1.34": "v1.34.5", "1.35": "v1.35.2", "1.36": "v1.36.1"} {
		vc := ctxFor(a, IRSA)
		vc.KubernetesVersion = minor
		if got, _ := Lookup(a.Render(vc), "image", "tag"); got != tag {
			t.Errorf("Kubernetes %s: image.tag %v, want %s", minor, got, tag)
		}
		r := &literalReader{}
		a.Settings("addons.clusterAutoscaler", nil, r, SettingsContext{ClusterName: "demo", KubernetesVersion: minor})
		if len(r.problems) != 0 {
			t.Errorf("Kubernetes %s: %v", minor, r.problems)
		}
	}
	r := &literalReader{}
	a.Settings("addons.clusterAutoscaler", nil, r, SettingsContext{ClusterName: "demo", KubernetesVersion: "1.37"})
	if len(r.problems) != 1 || !strings.HasPrefix(r.problems[0], "addons.clusterAutoscaler: ") ||
		!strings.Contains(r.problems[0], "1.37") || !strings.Contains(r.problems[0], "1.33, 1.34, 1.35, 1.36") {
		t.Errorf("Kubernetes 1.37: problems %v, want one naming addons.clusterAutoscaler, 1.37 and the supported minors", r.problems)
	}

	v := a.Render(ctxFor(a, IRSA))
	wantArgs := map[string]any{"balance-similar-node-groups": true, "skip-nodes-with-system-pods": false, "expander": "least-waste"}
	if !reflect.DeepEqual(v["extraArgs"], wantArgs) {
		t.Errorf("extraArgs = %v, want %v", v["extraArgs"], wantArgs)
	}
	merged := a.MergeValues(v, map[string]any{"extraArgs": map[string]any{"expander": "priority", "balance-similar-node-groups": nil, "v": 2}})
	if !reflect.DeepEqual(merged["extraArgs"], map[string]any{"skip-nodes-with-system-pods": false, "expander": "priority", "v": 2}) {
		t.Errorf("user extraArgs do not override the defaults key by key: %v", merged["extraArgs"])
	}
}

func TestMetricsServerHighlyAvailableByDefault(t *testing.T) {
	a := metricsServer()
	v := a.Render(ctxFor(a, IRSA))
	if v["replicas"] != 2 {
		t.Errorf("replicas = %v, want 2", v["replicas"])
	}
	if !reflect.DeepEqual(v["podDisruptionBudget"], map[string]any{"enabled": true, "minAvailable": 1}) {
		t.Errorf("podDisruptionBudget = %v, want enabled with minAvailable 1", v["podDisruptionBudget"])
	}
}

// The user's extraArgs and env are added to the platform's, never replace them.
func TestExternalDNSMergeKeepsThePlatformsListEntries(t *testing.T) {
	a := externalDNS()
	platform := a.Render(ctxFor(a, IRSA))
	user := map[string]any{
		"extraArgs": []any{"--txt-cache-interval=1m", "--zone-id-filter=Z111"},
		"env": []any{
			map[string]any{"name": "HTTP_PROXY", "value": "http://proxy:3128"},
			map[string]any{"name": "AWS_DEFAULT_REGION", "value": "eu-west-1"},
		},
		"policy": "sync",
	}
	got := a.MergeValues(platform, user)
	if !reflect.DeepEqual(got["extraArgs"], []any{"--zone-id-filter=Z111", "--zone-id-filter=Z222", "--txt-cache-interval=1m"}) {
		t.Errorf("extraArgs = %v", got["extraArgs"])
	}
	wantEnv := []any{
		map[string]any{"name": "AWS_DEFAULT_REGION", "value": "us-west-2"},
		map[string]any{"name": "HTTP_PROXY", "value": "http://proxy:3128"},
	}
	if !reflect.DeepEqual(got["env"], wantEnv) {
		t.Errorf("env = %v, want the platform's region kept and the user's proxy added", got["env"])
	}
	if got["policy"] != "sync" {
		t.Errorf("other values still merge the Helm way: policy %v", got["policy"])
	}
	if user["extraArgs"].([]any)[0] != "--txt-cache-interval=1m" || len(platform["extraArgs"].([]any)) != 2 {
		t.Error("MergeValues changed its input")
	}
	// Without user lists the platform's stay as they are.
	if got := a.MergeValues(platform, map[string]any{}); !reflect.DeepEqual(got["extraArgs"], platform["extraArgs"]) || !reflect.DeepEqual(got["env"], platform["env"]) {
		t.Errorf("no user lists: %v %v", got["extraArgs"], got["env"])
	}
}

func TestCheckValuesRejectsWhatWouldDropThePlatformsValues(t *testing.T) {
	dns := externalDNS()
	vc := ctxFor(dns, IRSA)
	vc.Region = "" // not known at resolve time
	platform := dns.Render(vc)
	for name, tc := range map[string]struct {
		addon Addon
		user  map[string]any
		want  []string
	}{
		"null txtOwnerId":      {dns, map[string]any{"txtOwnerId": nil}, []string{"addons.x.values.txtOwnerId: null would remove txtOwnerId"}},
		"null domainFilters":   {dns, map[string]any{"domainFilters": nil}, []string{"addons.x.values.domainFilters: null"}},
		"null extraArgs":       {dns, map[string]any{"extraArgs": nil}, []string{"addons.x.values.extraArgs: null would remove extraArgs"}},
		"null provider":        {dns, map[string]any{"provider": nil}, []string{"addons.x.values.provider: null would remove provider.name"}},
		"provider as a string": {dns, map[string]any{"provider": "aws"}, []string{"addons.x.values.provider: must be an object"}},
		"extraArgs as a map":   {dns, map[string]any{"extraArgs": map[string]any{"txt-cache-interval": "1m"}}, []string{"addons.x.values.extraArgs: must be a list", "a map cannot be merged"}},
		"env reuses a platform name": {dns, map[string]any{"env": []any{map[string]any{"name": "OK", "value": "1"}, map[string]any{"name": "AWS_DEFAULT_REGION", "value": "eu-west-1"}}},
			[]string{`addons.x.values.env[1]: "AWS_DEFAULT_REGION" is set by the platform`, "remove this entry"}},
		"null ALB clusterName":  {AWSLoadBalancerController(), map[string]any{"clusterName": nil, "region": nil, "vpcId": nil}, []string{"values.clusterName: null", "values.region: null", "values.vpcId: null"}},
		"null CA autoDiscovery": {ClusterAutoscaler(), map[string]any{"autoDiscovery": map[string]any{"clusterName": nil}}, []string{"values.autoDiscovery.clusterName: null"}},
		"null CA parent":        {ClusterAutoscaler(), map[string]any{"autoDiscovery": nil}, []string{"values.autoDiscovery: null would remove autoDiscovery.clusterName"}},
	} {
		t.Run(name, func(t *testing.T) {
			p := platform
			if tc.addon.Key != dns.Key {
				p = tc.addon.Render(ctxFor(tc.addon, IRSA))
			}
			list := tc.addon.CheckValues("addons.x.values", tc.user, p)
			problems := strings.Join(list, "\n")
			for _, w := range tc.want {
				if !strings.Contains(problems, w) {
					t.Errorf("problems %q\nwant %q", problems, w)
				}
			}
			for _, pr := range list {
				if !strings.HasPrefix(pr, "addons.x.values.") || !strings.Contains(pr, "; ") {
					t.Errorf("not \"<path>: <problem>; <fix>\": %q", pr)
				}
			}
		})
	}
	for name, user := range map[string]map[string]any{
		"overrides with other values": {"txtOwnerId": "other", "domainFilters": []any{"example.org"}, "provider": map[string]any{"name": "aws"}},
		"added list entries":          {"extraArgs": []any{"--txt-cache-interval=1m"}, "env": []any{map[string]any{"name": "HTTP_PROXY", "value": "x"}}},
		"null elsewhere":              {"sources": nil},
	} {
		if problems := dns.CheckValues("addons.x.values", user, platform); len(problems) != 0 {
			t.Errorf("%s: unexpected problems %v", name, problems)
		}
	}
	if problems := metricsServer().CheckValues("addons.x.values", map[string]any{"replicas": nil, "podDisruptionBudget": nil}, nil); len(problems) != 0 {
		t.Errorf("metrics-server's HA defaults may be removed: %v", problems)
	}
}

func TestDeepMergeUserWinsNested(t *testing.T) {
	base := map[string]any{
		"a":      1,
		"nested": map[string]any{"keep": "platform", "override": "platform", "deeper": map[string]any{"x": 1}},
		"list":   []any{"p1", "p2"},
		"drop":   "me",
	}
	over := map[string]any{
		"nested": map[string]any{"override": "user", "deeper": map[string]any{"y": 2}},
		"list":   []any{"u1"},
		"drop":   nil,
		"new":    true,
	}
	got := DeepMerge(base, over)
	want := map[string]any{
		"a":      1,
		"nested": map[string]any{"keep": "platform", "override": "user", "deeper": map[string]any{"x": 1, "y": 2}},
		"list":   []any{"u1"},
		"new":    true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merge = %v\nwant %v", got, want)
	}
	if base["drop"] != "me" || base["nested"].(map[string]any)["override"] != "platform" {
		t.Error("DeepMerge changed its input")
	}
}

// Every field of Args is a catalogue entry under the same key, in catalogue order, and
// each entry's Given reads exactly its own field.
func TestArgsFieldsAreTheCatalogue(t *testing.T) {
	typ := reflect.TypeFor[Args]()
	var fields []string
	for i := range typ.NumField() {
		fields = append(fields, strings.Split(typ.Field(i).Tag.Get("pulumi"), ",")[0])
	}
	if !slices.Equal(fields, catalogueKeys()) {
		t.Fatalf("Args fields %v, catalogue keys %v", fields, catalogueKeys())
	}
	for i, a := range Catalogue() {
		args := &Args{}
		v := reflect.ValueOf(args).Elem().Field(i)
		v.Set(reflect.New(v.Type().Elem()))
		if common, _ := a.Given(args); common == nil {
			t.Errorf("%s: Given does not read the %s field", a.Key, fields[i])
		}
		if common, _ := a.Given(&Args{}); common != nil {
			t.Errorf("%s: Given reports the add-on given when Args is empty", a.Key)
		}
	}
}
