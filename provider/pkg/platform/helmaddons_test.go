package platform

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	releaseType     = "kubernetes:helm.sh/v3:Release"
	roleType        = "aws:iam/role:Role"
	policyType      = "aws:iam/policy:Policy"
	associationType = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
	nodeGroupType   = "aws:eks/nodeGroup:NodeGroup"
	fargateType     = "aws:eks/fargateProfile:FargateProfile"
)

// allAddons enables the whole catalogue (ExternalDNS on two zones, cert-manager's
// DNS-01 role on one, external-secrets reading a secret prefix and a parameter path).
func allAddons() *HelmAddonsArgs {
	on := func() *HelmAddonArgs { return &HelmAddonArgs{Enabled: pulumi.Bool(true)} }
	return &HelmAddonsArgs{
		AwsLoadBalancerController: on(),
		ExternalDns: &ExternalDnsAddonArgs{
			Enabled:       pulumi.Bool(true),
			HostedZoneIds: pulumi.ToStringArray([]string{"Z0123456789ABCDEFGHIJ", "Z2FDTNDATAQYW2"}),
			DomainFilters: pulumi.ToStringArray([]string{"example.com"}),
		},
		ClusterAutoscaler: on(),
		MetricsServer:     on(),
		CertManager: &CertManagerAddonArgs{
			Enabled:              pulumi.Bool(true),
			Route53HostedZoneIds: pulumi.ToStringArray([]string{"Z0123456789ABCDEFGHIJ"}),
		},
		ExternalSecrets: &ExternalSecretsAddonArgs{
			Enabled:            pulumi.Bool(true),
			SecretsManagerArns: pulumi.ToStringArray([]string{testSecretPrefix}),
			ParameterStoreArns: pulumi.ToStringArray([]string{testParameterPath}),
		},
	}
}

const (
	testSecretPrefix  = "arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/app-*"
	testParameterPath = "arn:aws:ssm:us-west-2:123456789012:parameter/prod/app/*"
)

func withAddons(a *HelmAddonsArgs) *Args {
	args := minimalArgs()
	args.Addons = a
	return args
}

// valuesOf returns a release's values as plain Go values.
func valuesOf(r mocktest.Resource) map[string]any {
	return obj(r, "values").Mappable()
}

// trustOf parses a role's trust policy.
func trustOf(t *testing.T, r mocktest.Resource) iampolicy.Document {
	t.Helper()
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(str(r, "assumeRolePolicy")), &doc); err != nil {
		t.Fatalf("%s: trust policy is not JSON: %v", r.Name, err)
	}
	return doc
}

// irsaSubject returns the sub and aud conditions of an IRSA trust.
func irsaSubject(t *testing.T, doc iampolicy.Document) (sub, aud string) {
	t.Helper()
	if len(doc.Statement) != 1 || doc.Statement[0].Principal == nil || doc.Statement[0].Principal.Federated == "" {
		t.Fatalf("not an IRSA trust: %+v", doc)
	}
	for k, v := range doc.Statement[0].Condition["StringEquals"] {
		switch {
		case strings.HasSuffix(k, ":sub"):
			sub = v
		case strings.HasSuffix(k, ":aud"):
			aud = v
		}
	}
	return sub, aud
}

func TestHelmAddonsNoneByDefault(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	if n := len(m.OfType(releaseType)); n != 0 {
		t.Errorf("want no Helm releases by default, got %d", n)
	}
}

// Done when: a platform with all four add-ons registers four releases after the node
// group that can run them, each with a role whose trust names exactly its chart's
// service account.
func TestHelmAddonsAllFourAfterTheirNodeGroupWithMatchingTrust(t *testing.T) {
	args := withAddons(allAddons())
	args.NodeGroups = []NodeGroupArgs{
		{Name: pulumi.String("system"), InstanceTypes: pulumi.ToStringArray([]string{"m5.large"})},
		{Name: pulumi.String("batch"), InstanceTypes: pulumi.ToStringArray([]string{"m5.large"}), CapacityType: pulumi.String("SPOT")},
	}
	m, p := deploy(t, "demo", args)
	releases := m.OfType(releaseType)
	if len(releases) != len(addons.Catalogue()) {
		t.Fatalf("want %d releases, got %d: %v", len(addons.Catalogue()), len(releases), m.Names())
	}
	// The two node groups above must be registered, or the ordering below has nothing
	// to be after: fail rather than pass without checking it.
	if nodeGroups := m.OfType(nodeGroupType); len(nodeGroups) != 2 {
		t.Fatalf("want node groups system and batch registered, got %d: %v", len(nodeGroups), m.Names())
	}
	// Rule 4: after the first node group that can run them (system: untainted, with
	// nodes), not every node group.
	m.RequireOrder(t, "rule 4/6: Helm releases after the node group that runs them", []mocktest.Resource{m.Find(t, "demo-ng-system")}, releases)
	for _, rel := range releases {
		if m.DependsOn(rel.Name, "demo-ng-batch") {
			t.Errorf("rule 4: %s waits for batch, which it does not need", rel.Name)
		}
	}
	// Rule 9: the ALB controller first (after coredns, which makes a Service), then
	// every other release, which the controller's webhook would otherwise reject.
	alb := m.Find(t, "demo-aws-load-balancer-controller")
	m.RequireOrder(t, "rule 9: the ALB controller after coredns", []mocktest.Resource{m.Find(t, "demo-coredns")}, []mocktest.Resource{alb})
	for _, rel := range releases {
		if rel.Name != alb.Name {
			m.RequireOrder(t, "rule 9: other releases after the ALB controller", []mocktest.Resource{alb}, []mocktest.Resource{rel})
		}
	}

	for _, a := range addons.Catalogue() {
		rel := m.Find(t, "demo-"+a.Name)
		if got := str(rel, "name"); got != a.Name {
			t.Errorf("%s: release name %q, want %q (fixed, no random suffix)", a.Key, got, a.Name)
		}
		if !strings.Contains(rel.Provider, "demo-k8s") {
			t.Errorf("%s: release uses provider %q, want the component's own (rule 7)", a.Key, rel.Provider)
		}
		if !a.HasRole() {
			continue
		}
		role := m.Find(t, "demo-"+a.Name+"-role")
		m.RequireOrder(t, "rule 6: release after its role", []mocktest.Resource{role,
			m.Find(t, "demo-"+a.Name+"-policy"), m.Find(t, "demo-"+a.Name+"-policy-attachment")}, []mocktest.Resource{rel})
		sub, aud := irsaSubject(t, trustOf(t, role))
		sa, ok := a.ServiceAccountName(valuesOf(rel))
		if !ok {
			t.Fatalf("%s: release values set no service account name: %v", a.Key, valuesOf(rel))
		}
		if want := "system:serviceaccount:" + a.Namespace + ":" + sa; sub != want || aud != "sts.amazonaws.com" {
			t.Errorf("%s: trust sub %q aud %q, want sub %q (the chart's service account) aud sts.amazonaws.com", a.Key, sub, aud, want)
		}
	}
	_ = p
}

// buildWithStubs runs the stages the Helm stage needs and hands it stub access, base
// add-on, node group and Fargate resources, so the ordering is tested whatever the
// compute stage does.
func buildWithStubs(t *testing.T, args *Args, mutate func(*config)) *mocktest.Mocks {
	t.Helper()
	m := mocktest.New()
	err := m.Run(func(ctx *pulumi.Context) error {
		cfg, err := resolve(false, "demo", args)
		if err != nil {
			return err
		}
		if mutate != nil {
			mutate(cfg)
		}
		p := &EksPlatform{}
		if err := ctx.RegisterComponentResource(TypeToken, "demo", p); err != nil {
			return err
		}
		b := newBuild(ctx, cfg, p)
		role, err := b.clusterRole(clusterRoleIn{ClusterConfig: cfg.Cluster, AutoModeConfig: cfg.AutoMode})
		if err != nil {
			return err
		}
		secrets, err := b.secretsKey(secretsKeyIn{ClusterConfig: cfg.Cluster, ClusterRole: role})
		if err != nil {
			return err
		}
		cluster, err := b.cluster(clusterIn{ClusterConfig: cfg.Cluster, AutoModeConfig: cfg.AutoMode, ClusterRole: role,
			Secrets: secrets, AutoNodeRoleArn: pulumi.String("").ToStringOutput()})
		if err != nil {
			return err
		}
		identity, err := b.oidcProvider(oidcProviderIn{EksAddonsConfig: cfg.EksAddons, HelmAddonsConfig: cfg.HelmAddons, Cluster: cluster})
		if err != nil {
			return err
		}
		kube, err := b.kubernetesProvider(kubeIn{KubeAuthConfig: cfg.Kube, Cluster: cluster})
		if err != nil {
			return err
		}
		entry, err := eks.NewAccessEntry(ctx, "stub-access", &eks.AccessEntryArgs{ClusterName: cluster.Name, PrincipalArn: pulumi.String(mocktest.CallerRoleArn)})
		if err != nil {
			return err
		}
		agent, err := eks.NewAddon(ctx, "stub-agent", &eks.AddonArgs{ClusterName: cluster.Name, AddonName: pulumi.String("eks-pod-identity-agent")})
		if err != nil {
			return err
		}
		var ready []pulumi.Resource
		for _, n := range []string{"stub-ng-a", "stub-ng-b"} {
			ng, err := eks.NewNodeGroup(ctx, n, &eks.NodeGroupArgs{
				ClusterName: cluster.Name, NodeRoleArn: pulumi.String(mocktest.CallerRoleArn),
				SubnetIds:     pulumi.ToStringArray([]string{priv1}),
				ScalingConfig: &eks.NodeGroupScalingConfigArgs{MinSize: pulumi.Int(1), MaxSize: pulumi.Int(2), DesiredSize: pulumi.Int(1)},
			})
			if err != nil {
				return err
			}
			ready = append(ready, ng)
		}
		fp, err := eks.NewFargateProfile(ctx, "stub-fargate", &eks.FargateProfileArgs{
			ClusterName: cluster.Name, PodExecutionRoleArn: pulumi.String(mocktest.CallerRoleArn),
			Selectors: eks.FargateProfileSelectorArray{&eks.FargateProfileSelectorArgs{Namespace: pulumi.String("apps")}},
		})
		if err != nil {
			return err
		}
		ready = append(ready, fp)
		// The barrier New passes: access, the node add-ons and the compute.
		after := join([]pulumi.Resource{entry, agent}, ready)
		_, err = b.helmAddons(helmAddonsIn{Install: cfg.HelmAddons, HelmAddonsConfig: cfg.HelmAddons, ClusterConfig: cfg.Cluster,
			Cluster: cluster, Identity: identity, Kube: kube, PodIdentity: barrier{agent}, CRDs: barrier{entry},
			After: func(string) barrier { return after }})
		return err
	})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return m
}

func TestHelmAddonsOrderingWithStubStages(t *testing.T) {
	m := buildWithStubs(t, withAddons(allAddons()), nil)
	releases := m.OfType(releaseType)
	if len(releases) != len(addons.Catalogue()) {
		t.Fatalf("want %d releases, got %d", len(addons.Catalogue()), len(releases))
	}
	after := []mocktest.Resource{m.Find(t, "stub-ng-a"), m.Find(t, "stub-ng-b"), m.Find(t, "stub-fargate"),
		m.Find(t, "stub-access"), m.Find(t, "stub-agent")}
	m.RequireOrder(t, "rules 4 and 6: releases after node groups, Fargate profiles, access and base add-ons", after, releases)
	for _, a := range addons.Catalogue() {
		rel := m.Find(t, "demo-"+a.Name)
		if !a.HasRole() {
			continue
		}
		m.RequireOrder(t, "rule 6: release after its IAM role", []mocktest.Resource{m.Find(t, "demo-"+a.Name+"-role"),
			m.Find(t, "demo-"+a.Name+"-policy-attachment")}, []mocktest.Resource{rel})
		// Roles do not wait for nodes (rule 8: nothing more serial than needed).
		if m.DependsOn("demo-"+a.Name+"-role", "stub-ng-a") {
			t.Errorf("%s: role waits for the node groups", a.Key)
		}
		if !m.DependsOn("demo-"+a.Name+"-role", "demo-oidc") {
			t.Errorf("%s: IRSA role does not follow the OIDC provider (rule 2)", a.Key)
		}
	}
	// The ALB controller is deleted before the nodes because it was created after them.
	if !m.DependsOn("demo-aws-load-balancer-controller", "stub-ng-b") {
		t.Error("ALB controller does not depend on the node groups")
	}
	for _, rel := range releases {
		in := rel.Inputs
		if !in["atomic"].BoolValue() || in["timeout"].NumberValue() != defaultHelmTimeout || !in["createNamespace"].BoolValue() {
			t.Errorf("%s: want atomic, timeout %d, createNamespace: %v", rel.Name, defaultHelmTimeout, in)
		}
	}
}

func TestHelmAddonsPodIdentity(t *testing.T) {
	m := buildWithStubs(t, withAddons(allAddons()), func(cfg *config) {
		for i := range cfg.HelmAddons.Addons {
			cfg.HelmAddons.Addons[i].Identity = addons.PodIdentity
		}
	})
	assocs := m.OfType(associationType)
	if len(assocs) != 5 {
		t.Fatalf("want 5 pod identity associations (no metrics-server), got %d", len(assocs))
	}
	for _, a := range addons.Catalogue() {
		if !a.HasRole() {
			continue
		}
		rel := m.Find(t, "demo-"+a.Name)
		assoc := m.Find(t, "demo-"+a.Name+"-pod-identity")
		sa, _ := a.ServiceAccountName(valuesOf(rel))
		if str(assoc, "serviceAccount") != sa || str(assoc, "namespace") != a.Namespace {
			t.Errorf("%s: association names %s/%s, chart creates %s/%s", a.Key, str(assoc, "namespace"), str(assoc, "serviceAccount"), a.Namespace, sa)
		}
		role := m.Find(t, "demo-"+a.Name+"-role")
		doc := trustOf(t, role)
		if doc.Statement[0].Principal.Service != "pods.eks.amazonaws.com" || !slices.Contains(doc.Statement[0].Action, "sts:TagSession") {
			t.Errorf("%s: not a Pod Identity trust: %s", a.Key, str(role, "assumeRolePolicy"))
		}
		if strings.Contains(str(role, "assumeRolePolicy"), "oidc") {
			t.Errorf("%s: Pod Identity role still trusts the OIDC provider", a.Key)
		}
		if _, has := resourceAt(valuesOf(rel), a.ServiceAccountPath, "annotations", addons.RoleArnAnnotation); has {
			t.Errorf("%s: Pod Identity release still annotates its service account with a role", a.Key)
		}
		m.RequireOrder(t, "association after the agent, release after the association",
			[]mocktest.Resource{m.Find(t, "stub-agent")}, []mocktest.Resource{assoc})
		m.RequireOrder(t, "release after its association", []mocktest.Resource{assoc}, []mocktest.Resource{rel})
	}
}

func resourceAt(values map[string]any, path []string, rest ...string) (any, bool) {
	return addons.Lookup(values, append(slices.Clone(path), rest...)...)
}

func TestHelmAddonsValuesDeepMergedUserWins(t *testing.T) {
	a := allAddons()
	a.AwsLoadBalancerController.Values = pulumi.Map{
		"region":       pulumi.String("eu-west-1"),
		"replicaCount": pulumi.Int(1),
		"serviceAccount": pulumi.Map{
			"annotations": pulumi.Map{"team": pulumi.String("platform")},
		},
	}
	m, _ := deploy(t, "demo", withAddons(a))
	v := valuesOf(m.Find(t, "demo-aws-load-balancer-controller"))
	if v["region"] != "eu-west-1" || v["replicaCount"] != float64(1) || v["clusterName"] != "demo" {
		t.Errorf("top level: %v", v)
	}
	if vpc, _ := v["vpcId"].(string); !strings.HasPrefix(vpc, "vpc-") {
		t.Errorf("vpcId %q not filled in from the cluster", vpc)
	}
	ann, _ := addons.Lookup(v, "serviceAccount", "annotations")
	annotations, _ := ann.(map[string]any)
	if annotations["team"] != "platform" || !strings.HasSuffix(annotations[addons.RoleArnAnnotation].(string), ":role/demo-aws-load-balancer-controller") {
		t.Errorf("nested merge lost a key: %v", annotations)
	}
	if n, _ := addons.Lookup(v, "serviceAccount", "name"); n != "aws-load-balancer-controller" {
		t.Errorf("service account name %v", n)
	}
}

func TestHelmAddonsDeterministic(t *testing.T) {
	snapshot := func() map[string]string {
		m, _ := deploy(t, "demo", withAddons(allAddons()))
		out := map[string]string{}
		for _, r := range m.OfType(policyType) {
			out[r.Name] = str(r, "policy")
		}
		for _, r := range append(m.OfType(roleType), m.OfType(releaseType)...) {
			b, _ := json.Marshal(r.Inputs.Mappable())
			out[r.Name] = string(b)
		}
		return out
	}
	first, second := snapshot(), snapshot()
	if len(first) == 0 {
		t.Fatal("nothing recorded")
	}
	for k, v := range first {
		if second[k] != v {
			t.Errorf("%s differs between runs:\n%s\n%s", k, v, second[k])
		}
	}
}

func TestHelmAddonsExternalDNSPolicyOnlyGivenZones(t *testing.T) {
	m, _ := deploy(t, "demo", withAddons(allAddons()))
	var doc struct{ Statement []iampolicy.Statement }
	if err := json.Unmarshal([]byte(str(m.Find(t, "demo-external-dns-policy"), "policy")), &doc); err != nil {
		t.Fatal(err)
	}
	for _, s := range doc.Statement {
		if slices.Contains(s.Action, "route53:ChangeResourceRecordSets") {
			want := []string{"arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ", "arn:aws:route53:::hostedzone/Z2FDTNDATAQYW2"}
			if !slices.Equal(s.Resource, want) {
				t.Errorf("changes allowed on %v, want %v", s.Resource, want)
			}
		}
	}
	v := valuesOf(m.Find(t, "demo-external-dns"))
	if v["txtOwnerId"] != "demo" || v["policy"] != "upsert-only" {
		t.Errorf("defaults: %v", v)
	}
}

func TestHelmReleaseWithOwnRole(t *testing.T) {
	args := minimalArgs()
	args.HelmReleases = []HelmReleaseArgs{{
		Name:           pulumi.String("ingress"),
		Repository:     pulumi.String("https://charts.example.com"),
		Chart:          pulumi.String("team-ingress"),
		Version:        pulumi.String("2.1.0"),
		Namespace:      pulumi.String("edge"),
		ServiceAccount: pulumi.String("ingress-sa"),
		IamPolicy:      pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
		Values:         pulumi.Map{"replicas": pulumi.Int(2)},
	}, {
		Name:  pulumi.String("plain"),
		Chart: pulumi.String("oci://registry.example.com/charts/plain"),
	}}
	m, p := deploy(t, "demo", args)
	rel := m.Find(t, "demo-release-edge-ingress")
	if str(rel, "name") != "ingress" || str(rel, "namespace") != "edge" || str(rel, "version") != "2.1.0" ||
		obj(rel, "repositoryOpts")["repo"].StringValue() != "https://charts.example.com" {
		t.Errorf("release inputs: %v", rel.Inputs)
	}
	role := m.Find(t, "demo-release-edge-ingress-role")
	sub, _ := irsaSubject(t, trustOf(t, role))
	if sub != "system:serviceaccount:edge:ingress-sa" {
		t.Errorf("trust sub %q", sub)
	}
	m.RequireOrder(t, "release after its role", []mocktest.Resource{role, m.Find(t, "demo-release-edge-ingress-policy-attachment")}, []mocktest.Resource{rel})
	if plain := m.Find(t, "demo-release-default-plain"); str(plain, "namespace") != "default" {
		t.Errorf("default namespace: %v", plain.Inputs)
	}
	if n := len(m.OfType(roleType)); n == 0 {
		t.Error("no role")
	}
	// The pods run as the service account the role trusts, annotated with the role the
	// user could not name (its ARN is known only inside the component); the user's
	// values are kept.
	v := valuesOf(rel)
	sa, _ := v["serviceAccount"].(map[string]any)
	ann, _ := sa["annotations"].(map[string]any)
	// create and enabled: charts of either convention (the helm create scaffold's, and
	// podinfo's) make the account.
	if sa["create"] != true || sa["enabled"] != true || sa["name"] != "ingress-sa" || ann["eks.amazonaws.com/role-arn"] != awaitString(t, p.AddonRoleArns.MapIndex(pulumi.String("ingress"))) {
		t.Errorf("release serviceAccount values = %v, want create, enabled, name ingress-sa and the role ARN annotation", sa)
	}
	if v["replicas"] != 2.0 {
		t.Errorf("user values lost: %v", v)
	}
}

func TestHelmReleaseServiceAccountAtChartPath(t *testing.T) {
	args := minimalArgs()
	args.HelmReleases = []HelmReleaseArgs{release(func(r *HelmReleaseArgs) {
		r.ServiceAccount = pulumi.String("app")
		r.ServiceAccountValuesPath = pulumi.String("controller.serviceAccount")
		r.Identity = pulumi.String("podIdentity")
		r.IamPolicy = pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
		r.Values = pulumi.Map{"controller": pulumi.Map{"replicas": pulumi.Int(1)}}
	})}
	m, _ := deploy(t, "demo", args)
	rel := m.OfType(releaseType)[0]
	ctrl, _ := valuesOf(rel)["controller"].(map[string]any)
	sa, _ := ctrl["serviceAccount"].(map[string]any)
	if sa["name"] != "app" || sa["create"] != true || sa["enabled"] != true || sa["annotations"] != nil || ctrl["replicas"] != 1.0 {
		t.Errorf("controller values = %v, want the service account app (no IRSA annotation under podIdentity) and the user's replicas", ctrl)
	}
	assoc := m.OfType("aws:eks/podIdentityAssociation:PodIdentityAssociation")
	if len(assoc) != 1 || str(assoc[0], "serviceAccount") != "app" {
		t.Errorf("pod identity association = %v, want one for service account app", assoc)
	}
}

func TestHelmAddonsValidation(t *testing.T) {
	dns := func(mut func(*ExternalDnsAddonArgs)) *Args {
		a := allAddons()
		mut(a.ExternalDns)
		return withAddons(a)
	}
	t.Run("externalDns without zones", func(t *testing.T) {
		requireInvalid(t, dns(func(e *ExternalDnsAddonArgs) { e.HostedZoneIds = nil }), "addons.externalDns.hostedZoneIds: required")
	})
	t.Run("malformed zone", func(t *testing.T) {
		requireInvalid(t, dns(func(e *ExternalDnsAddonArgs) {
			e.HostedZoneIds = pulumi.ToStringArray([]string{"/hostedzone/Z123", "example.com"})
		}), "hostedZoneIds[0]", "hostedZoneIds[1]", "not a Route 53 hosted zone ID")
	})
	t.Run("bad policy", func(t *testing.T) {
		requireInvalid(t, dns(func(e *ExternalDnsAddonArgs) { e.Policy = pulumi.String("delete-all") }), "addons.externalDns.policy", "upsert-only, sync")
	})
	t.Run("bad identity", func(t *testing.T) {
		a := allAddons()
		a.ClusterAutoscaler.Identity = pulumi.String("kiam")
		requireInvalid(t, withAddons(a), "addons.clusterAutoscaler.identity", "irsa, podIdentity")
	})
	t.Run("podIdentity without the agent", func(t *testing.T) {
		a := allAddons()
		a.AwsLoadBalancerController.Identity = pulumi.String("podIdentity")
		args := withAddons(a)
		args.EksAddons = &EksAddonsArgs{PodIdentityAgent: &EksAddonArgs{Enabled: pulumi.Bool(false)}}
		requireInvalid(t, args, "addons.awsLoadBalancerController.identity", "eks-pod-identity-agent")
	})
	t.Run("bad version override", func(t *testing.T) {
		a := allAddons()
		a.MetricsServer.Version = pulumi.String("latest")
		requireInvalid(t, withAddons(a), "addons.metricsServer.version", "semantic version")
	})
	t.Run("bad namespace", func(t *testing.T) {
		a := allAddons()
		a.MetricsServer.Namespace = pulumi.String("Kube_System")
		requireInvalid(t, withAddons(a), "addons.metricsServer.namespace")
	})
	t.Run("values rename the service account", func(t *testing.T) {
		a := allAddons()
		a.ClusterAutoscaler.Values = pulumi.Map{"rbac": pulumi.Map{"serviceAccount": pulumi.Map{"name": pulumi.String("other")}}}
		requireInvalid(t, withAddons(a), "addons.clusterAutoscaler.values.rbac.serviceAccount.name", `"cluster-autoscaler"`)
	})
	t.Run("release name and chart required", func(t *testing.T) {
		args := minimalArgs()
		args.HelmReleases = []HelmReleaseArgs{{}}
		requireInvalid(t, args, "helmReleases[0].name: required", "helmReleases[0].chart: required")
	})
	t.Run("duplicate release", func(t *testing.T) {
		args := minimalArgs()
		args.HelmReleases = []HelmReleaseArgs{release(func(*HelmReleaseArgs) {}), release(func(*HelmReleaseArgs) {})}
		requireInvalid(t, args, "helmReleases[1]", `"app" in namespace "default"`, "helmReleases[0]")
	})
	t.Run("release clashes with a catalogue add-on", func(t *testing.T) {
		args := withAddons(allAddons())
		args.HelmReleases = []HelmReleaseArgs{release(func(r *HelmReleaseArgs) {
			r.Name, r.Namespace = pulumi.String("metrics-server"), pulumi.String("kube-system")
		})}
		requireInvalid(t, args, "helmReleases[0]", "addons.metricsServer")
	})
	t.Run("same name in another namespace is fine", func(t *testing.T) {
		args := minimalArgs()
		args.HelmReleases = []HelmReleaseArgs{release(func(*HelmReleaseArgs) {}), release(func(r *HelmReleaseArgs) { r.Namespace = pulumi.String("other") })}
		if _, err := deployErr(t, args); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("iamPolicy needs serviceAccount", func(t *testing.T) {
		args := minimalArgs()
		args.HelmReleases = []HelmReleaseArgs{release(func(r *HelmReleaseArgs) {
			r.IamPolicy = pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
		})}
		requireInvalid(t, args, "helmReleases[0].serviceAccount: required with iamPolicy")
	})
	t.Run("release values rename the trusted service account", func(t *testing.T) {
		args := minimalArgs()
		args.HelmReleases = []HelmReleaseArgs{release(func(r *HelmReleaseArgs) {
			r.ServiceAccount = pulumi.String("app")
			r.IamPolicy = pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
			r.Values = pulumi.Map{"serviceAccount": pulumi.Map{"name": pulumi.String("other").ToStringOutput()}}
		})}
		requireInvalid(t, args, `helmReleases[0].values.serviceAccount.name: the platform names this service account "app"`)
	})
	t.Run("release values stop the chart creating the service account", func(t *testing.T) {
		args := minimalArgs()
		args.HelmReleases = []HelmReleaseArgs{release(func(r *HelmReleaseArgs) {
			r.ServiceAccount = pulumi.String("app")
			r.IamPolicy = pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
			r.Values = pulumi.Map{"serviceAccount": pulumi.Map{"create": pulumi.Bool(false)}}
		})}
		requireInvalid(t, args, "helmReleases[0].values.serviceAccount.create: the platform creates this service account")
	})
	t.Run("release values stop a chart of the enabled convention creating the service account", func(t *testing.T) {
		args := minimalArgs()
		args.HelmReleases = []HelmReleaseArgs{release(func(r *HelmReleaseArgs) {
			r.ServiceAccount = pulumi.String("app")
			r.IamPolicy = pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
			r.Values = pulumi.Map{"serviceAccount": pulumi.Map{"enabled": pulumi.Bool(false)}}
		})}
		requireInvalid(t, args, "helmReleases[0].values.serviceAccount.enabled: the platform creates this service account")
	})
	t.Run("bad service account values path", func(t *testing.T) {
		args := minimalArgs()
		args.HelmReleases = []HelmReleaseArgs{release(func(r *HelmReleaseArgs) {
			r.ServiceAccountValuesPath = pulumi.String("controller..sa")
		})}
		requireInvalid(t, args, "helmReleases[0].serviceAccountValuesPath:", "empty segment")
	})
	t.Run("iamPolicy not JSON", func(t *testing.T) {
		args := minimalArgs()
		args.HelmReleases = []HelmReleaseArgs{release(func(r *HelmReleaseArgs) {
			r.ServiceAccount, r.IamPolicy = pulumi.String("app"), pulumi.String(`{"Statement": [`)
		})}
		requireInvalid(t, args, "helmReleases[0].iamPolicy: not valid JSON")
	})
	t.Run("iamPolicy without statements", func(t *testing.T) {
		args := minimalArgs()
		args.HelmReleases = []HelmReleaseArgs{release(func(r *HelmReleaseArgs) {
			r.ServiceAccount, r.IamPolicy = pulumi.String("app"), pulumi.String(`{"Version":"2012-10-17"}`)
		})}
		requireInvalid(t, args, "helmReleases[0].iamPolicy: has no Statement")
	})
	t.Run("every problem at once", func(t *testing.T) {
		a := allAddons()
		a.ExternalDns.HostedZoneIds = nil
		a.MetricsServer.Version = pulumi.String("x")
		requireInvalid(t, withAddons(a), "hostedZoneIds", "metricsServer.version")
	})
}

// release is a minimal helmReleases entry, changed by mut.
func release(mut func(*HelmReleaseArgs)) HelmReleaseArgs {
	r := HelmReleaseArgs{Name: pulumi.String("app"), Chart: pulumi.String("app")}
	mut(&r)
	return r
}

// Item 7 of issue 12: the user's extraArgs and env are added to ExternalDNS's, so its
// --zone-id-filter flags and AWS_DEFAULT_REGION survive values that set lists of their
// own; other values still merge the Helm way.
func TestHelmAddonsValuesKeepThePlatformsListEntries(t *testing.T) {
	a := allAddons()
	a.ExternalDns.Values = pulumi.Map{
		"extraArgs": pulumi.Array{pulumi.String("--txt-cache-interval=1m")},
		"env": pulumi.Array{pulumi.Map{
			"name":  pulumi.String("HTTP_PROXY"),
			"value": pulumi.String("http://proxy:3128").ToStringOutput(),
		}},
		"policy": pulumi.String("sync"),
	}
	m, _ := deploy(t, "demo", withAddons(a))
	v := valuesOf(m.Find(t, "demo-external-dns"))
	wantArgs := []any{"--zone-id-filter=Z0123456789ABCDEFGHIJ", "--zone-id-filter=Z2FDTNDATAQYW2", "--txt-cache-interval=1m"}
	if !slices.EqualFunc(asList(v["extraArgs"]), wantArgs, func(x, y any) bool { return x == y }) {
		t.Errorf("extraArgs = %v, want %v", v["extraArgs"], wantArgs)
	}
	env := asList(v["env"])
	var names []string
	for _, e := range env {
		m, _ := e.(map[string]any)
		names = append(names, m["name"].(string))
		if m["name"] == "AWS_DEFAULT_REGION" && m["value"] == "" {
			t.Errorf("AWS_DEFAULT_REGION without the region: %v", m)
		}
	}
	if !slices.Equal(names, []string{"AWS_DEFAULT_REGION", "HTTP_PROXY"}) {
		t.Errorf("env names %v, want the platform's AWS_DEFAULT_REGION kept and HTTP_PROXY added", names)
	}
	if v["policy"] != "sync" {
		t.Errorf("policy %v: other values no longer merge with the user winning", v["policy"])
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// The catalogue's defaults at the pinned charts: the Cluster Autoscaler's image follows
// the cluster's minor, with upstream's recommended flags; metrics-server runs two
// replicas behind a PodDisruptionBudget.
func TestHelmAddonsDefaultValues(t *testing.T) {
	args := withAddons(allAddons())
	args.KubernetesVersion = pulumi.String("1.35")
	args.Addons.ClusterAutoscaler.Values = pulumi.Map{"extraArgs": pulumi.Map{"expander": pulumi.String("priority")}}
	m, _ := deploy(t, "demo", args)
	ca := valuesOf(m.Find(t, "demo-cluster-autoscaler"))
	if tag, _ := addons.Lookup(ca, "image", "tag"); tag != "v1.35.2" {
		t.Errorf("cluster-autoscaler image.tag %v, want v1.35.2 for Kubernetes 1.35", tag)
	}
	extra, _ := ca["extraArgs"].(map[string]any)
	if extra["balance-similar-node-groups"] != true || extra["skip-nodes-with-system-pods"] != false || extra["expander"] != "priority" {
		t.Errorf("cluster-autoscaler extraArgs %v, want upstream's defaults with the user's expander", extra)
	}
	if rel := m.Find(t, "demo-cluster-autoscaler"); str(rel, "version") != "9.59.0" {
		t.Errorf("cluster-autoscaler chart %q, want the pinned 9.59.0", str(rel, "version"))
	}
	ms := valuesOf(m.Find(t, "demo-metrics-server"))
	if ms["replicas"] != 2.0 {
		t.Errorf("metrics-server replicas %v, want 2", ms["replicas"])
	}
	if on, _ := addons.Lookup(ms, "podDisruptionBudget", "enabled"); on != true {
		t.Errorf("metrics-server podDisruptionBudget %v, want enabled", ms["podDisruptionBudget"])
	}
	if min, _ := addons.Lookup(ms, "podDisruptionBudget", "minAvailable"); min != 1.0 {
		t.Errorf("metrics-server podDisruptionBudget.minAvailable %v, want 1", min)
	}
}

func TestHelmAddonsValuesValidation(t *testing.T) {
	t.Run("cluster autoscaler on a minor without an image", func(t *testing.T) {
		args := withAddons(allAddons())
		args.KubernetesVersion = pulumi.String("1.32")
		requireInvalid(t, args, "addons.clusterAutoscaler: ", "Kubernetes 1.32", "1.33, 1.34, 1.35, 1.36", "or disable addons.clusterAutoscaler")
	})
	t.Run("the minor is not checked while the autoscaler is off", func(t *testing.T) {
		a := allAddons()
		a.ClusterAutoscaler = nil
		args := withAddons(a)
		args.KubernetesVersion = pulumi.String("1.32")
		if _, err := deployErr(t, args); err != nil && strings.Contains(err.Error(), "addons.clusterAutoscaler") {
			t.Errorf("autoscaler not enabled, yet: %v", err)
		}
	})
	t.Run("null on values the platform sets", func(t *testing.T) {
		a := allAddons()
		a.AwsLoadBalancerController.Values = pulumi.Map{"clusterName": nil, "vpcId": nil}
		a.ExternalDns.Values = pulumi.Map{"txtOwnerId": nil, "domainFilters": nil, "env": nil}.ToMapOutput()
		a.ClusterAutoscaler.Values = pulumi.Map{"autoDiscovery": pulumi.Map{"clusterName": nil}}
		requireInvalid(t, withAddons(a),
			"addons.awsLoadBalancerController.values.clusterName: null would remove clusterName",
			"addons.awsLoadBalancerController.values.vpcId: null",
			"addons.externalDns.values.txtOwnerId: null",
			"addons.externalDns.values.domainFilters: null",
			"addons.externalDns.values.env: null",
			"addons.clusterAutoscaler.values.autoDiscovery.clusterName: null",
			"remove the null")
	})
	t.Run("env reusing a platform name", func(t *testing.T) {
		a := allAddons()
		a.ExternalDns.Values = pulumi.Map{"env": pulumi.Array{
			pulumi.Map{"name": pulumi.String("AWS_DEFAULT_REGION"), "value": pulumi.String("eu-west-1")},
		}}
		requireInvalid(t, withAddons(a), `addons.externalDns.values.env[0]: "AWS_DEFAULT_REGION" is set by the platform`, "remove this entry")
	})
	t.Run("extraArgs as a map", func(t *testing.T) {
		a := allAddons()
		a.ExternalDns.Values = pulumi.Map{"extraArgs": pulumi.Map{"txt-cache-interval": pulumi.String("1m")}}
		requireInvalid(t, withAddons(a), "addons.externalDns.values.extraArgs: must be a list", "give your entries as a list")
	})
	t.Run("unknown at preview, checked at the update", func(t *testing.T) {
		unknown := func() *Args {
			a := allAddons()
			a.ExternalDns.Values = pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) map[string]any {
				return map[string]any{"txtOwnerId": nil}
			}).(pulumi.MapOutput)
			return withAddons(a)
		}
		if _, err := resolve(true, "demo", unknown()); err != nil {
			t.Errorf("preview with unknown values: %v", err)
		}
		known := allAddons()
		known.ExternalDns.Values = pulumi.Map{"txtOwnerId": nil}.ToMapOutput()
		if _, err := resolve(false, "demo", withAddons(known)); err == nil || !strings.Contains(err.Error(), "addons.externalDns.values.txtOwnerId: null") {
			t.Errorf("update with the values known: %v, want the null rejected", err)
		}
	})
}
