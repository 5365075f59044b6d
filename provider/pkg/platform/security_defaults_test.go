package platform

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Issue 12, defaults and security: Kubernetes 1.36 and the upgrade policy, IMDS hop
// limit 1, vpc-cni on its own role, Pod Identity trust scoped to the account and
// cluster, the log group encrypted with the platform's key, no OIDC provider nobody
// uses, no Pod Identity agent on Fargate-only clusters, identities for the EKS add-ons.

const (
	testClusterArn = "arn:aws:eks:us-west-2:" + mocktest.Account + ":cluster/demo"
	testPolicyJSON = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"]}]}`
)

func TestKubernetesVersionAndUpgradePolicyDefaults(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	c := m.Find(t, "demo-cluster")
	if got := str(c, "version"); got != "1.36" {
		t.Errorf("version = %q, want 1.36, the newest in EKS standard support", got)
	}
	if got := obj(c, "upgradePolicy")["supportType"]; !got.IsString() || got.StringValue() != "STANDARD" {
		t.Errorf("upgradePolicy.supportType = %v, want STANDARD (no extended-support charge)", got)
	}
	// Every version in standard support on the pinned day is accepted with the default;
	// the extended ones with EXTENDED.
	for _, v := range []string{"1.35", "1.36"} {
		a := minimalArgs()
		a.KubernetesVersion = strIn(v)
		deploy(t, "demo", a)
	}
	for _, v := range []string{"1.32", "1.33", "1.34"} {
		a := minimalArgs()
		a.KubernetesVersion = strIn(v)
		a.UpgradePolicy = strIn("EXTENDED")
		m, _ := deploy(t, "demo", a)
		c := m.Find(t, "demo-cluster")
		if str(c, "version") != v || obj(c, "upgradePolicy")["supportType"].StringValue() != "EXTENDED" {
			t.Errorf("%s: version %q, upgradePolicy %v", v, str(c, "version"), obj(c, "upgradePolicy"))
		}
	}
}

func TestMetadataHopLimit(t *testing.T) {
	a := minimalArgs()
	a.NodeGroups = []NodeGroupArgs{{Name: strIn("general")}, {Name: strIn("legacy"), MetadataHopLimit: intIn(2)}}
	m, _ := deploy(t, "demo", a)
	for name, want := range map[string]float64{"demo-ng-general-lt": 1, "demo-ng-legacy-lt": 2} {
		if got := obj(m.Find(t, name), "metadataOptions")["httpPutResponseHopLimit"]; !got.IsNumber() || got.NumberValue() != want {
			t.Errorf("%s: httpPutResponseHopLimit = %v, want %v", name, got, want)
		}
	}
	for _, n := range []int{0, 65} {
		a := minimalArgs()
		a.NodeGroups[0].MetadataHopLimit = intIn(n)
		requireInvalid(t, a, "nodeGroups[0].metadataHopLimit: ", "is outside 1-64")
	}
}

func TestVpcCniOnItsOwnIrsaRole(t *testing.T) {
	m, p := deploy(t, "demo", computeArgs(""))
	role := m.Find(t, "demo-vpc-cni-role")
	requireIrsaTrust(t, str(role, "assumeRolePolicy"), "kube-system", "aws-node")
	att := m.Find(t, "demo-vpc-cni-role-AmazonEKS_CNI_Policy")
	if got := str(att, "policyArn"); got != "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" {
		t.Errorf("policyArn = %q", got)
	}
	cni := m.Find(t, "demo-vpc-cni")
	if got := str(cni, "serviceAccountRoleArn"); got != "arn:aws:iam::"+mocktest.Account+":role/demo-vpc-cni" {
		t.Errorf("vpc-cni serviceAccountRoleArn = %q", got)
	}
	if _, has := cni.Inputs["podIdentityAssociations"]; has {
		t.Error("vpc-cni with IRSA has pod identity associations")
	}
	// Rule 2 through the data flow; the add-on waits for the role's policy (and node
	// groups for the add-on, rule 4: TestNodeAddonsBeforeNodesJoin).
	if !m.DependsOn(role.Name, "demo-oidc") || !m.DependsOn(cni.Name, att.Name) {
		t.Error("vpc-cni must follow its role's policy, and the role the OIDC provider")
	}
	// The role is the CNI's alone: the node role has no CNI policy.
	for _, r := range m.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if strings.HasSuffix(str(r, "policyArn"), "/AmazonEKS_CNI_Policy") && r.Name != att.Name {
			t.Errorf("%s also attaches AmazonEKS_CNI_Policy", r.Name)
		}
	}
	if got := awaitStringMap(t, p.AddonRoleArns)["vpc-cni"]; got != "arn:aws:iam::"+mocktest.Account+":role/demo-vpc-cni" {
		t.Errorf("addonRoleArns[vpc-cni] = %q", got)
	}
}

func TestVpcCniAndEbsCsiWithPodIdentity(t *testing.T) {
	a := computeArgs("")
	a.EksAddons = &EksAddonsArgs{
		VpcCni:       &EksAddonArgs{Identity: strIn("podIdentity")},
		EbsCsiDriver: &EksAddonArgs{Enabled: boolIn(true), Identity: strIn("podIdentity")},
	}
	m, p := deploy(t, "demo", a)
	for _, c := range []struct{ addon, role, serviceAccount string }{
		{"demo-vpc-cni", "demo-vpc-cni-role", "aws-node"},
		{"demo-aws-ebs-csi-driver", "demo-ebs-csi-role", "ebs-csi-controller-sa"},
	} {
		role := m.Find(t, c.role)
		requirePodIdentityTrust(t, str(role, "assumeRolePolicy"), "kube-system", c.serviceAccount)
		addon := m.Find(t, c.addon)
		if got := str(addon, "serviceAccountRoleArn"); got != "" {
			t.Errorf("%s: serviceAccountRoleArn = %q with Pod Identity", c.addon, got)
		}
		assocs := addon.Inputs["podIdentityAssociations"]
		if !assocs.IsArray() || len(assocs.ArrayValue()) != 1 {
			t.Fatalf("%s: podIdentityAssociations = %v, want one", c.addon, assocs)
		}
		assoc := assocs.ArrayValue()[0].ObjectValue()
		if assoc["serviceAccount"].StringValue() != c.serviceAccount || assoc["roleArn"].StringValue() != awaitStringMap(t, p.AddonRoleArns)[strings.TrimPrefix(c.addon, "demo-")] {
			t.Errorf("%s: association %v, want %s with the add-on's role", c.addon, assoc, c.serviceAccount)
		}
		if !m.DependsOn(addon.Name, role.Name) {
			t.Errorf("%s does not follow its role", c.addon)
		}
	}
	// Nothing uses IRSA, so there is no OIDC provider and its output is "".
	if len(m.OfType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")) != 0 {
		t.Errorf("an OIDC provider was made though nothing uses IRSA")
	}
	if got := awaitString(t, p.OidcProviderArn); got != "" {
		t.Errorf("oidcProviderArn = %q, want \"\"", got)
	}
	if got := awaitString(t, p.OidcIssuerUrl); !strings.HasPrefix(got, "https://oidc.eks.") {
		t.Errorf("oidcIssuerUrl = %q, want the cluster's issuer", got)
	}
}

// requirePodIdentityTrust: EKS Pod Identity's principal and actions, scoped by the
// session tags AWS documents (pod-id-role.html, "Setting Conditions") to exactly this
// cluster, namespace and service account, and nothing else (no aws:SourceArn or
// aws:SourceAccount, which that page does not document for pods.eks.amazonaws.com).
func requirePodIdentityTrust(t *testing.T, doc, namespace string, serviceAccounts ...string) {
	t.Helper()
	d := parsePolicy(t, doc)
	if len(d.Statement) != len(serviceAccounts) {
		t.Fatalf("trust has %d statements, want one per service account %v: %s", len(d.Statement), serviceAccounts, doc)
	}
	for i, serviceAccount := range serviceAccounts {
		s := d.Statement[i]
		if s.Effect != "Allow" || s.Principal == nil || s.Principal.Service != "pods.eks.amazonaws.com" || s.Principal.Federated != "" ||
			!slices.Equal(s.Action, []string{"sts:AssumeRole", "sts:TagSession"}) {
			t.Errorf("trust statement %d %+v is not EKS Pod Identity's", i, s)
		}
		want := map[string]string{
			"aws:RequestTag/eks-cluster-arn":            testClusterArn,
			"aws:RequestTag/kubernetes-namespace":       namespace,
			"aws:RequestTag/kubernetes-service-account": serviceAccount,
		}
		if len(s.Condition) != 1 || !maps.Equal(s.Condition["StringEquals"], want) {
			t.Errorf("statement %d conditions %v, want exactly StringEquals %v", i, s.Condition, want)
		}
	}
}

func TestPodIdentityTrustIsScopedToClusterAndServiceAccount(t *testing.T) {
	requirePodIdentityTrust(t, podIdentityTrust(testClusterArn, "apps", "app").JSON(), "apps", "app")
	// Every Pod Identity role the platform makes carries the conditions: a Helm
	// release's too, and the ARN is the cluster's own.
	a := minimalArgs()
	a.HelmReleases = []HelmReleaseArgs{{
		Name: strIn("app"), Chart: strIn("app"), Repository: strIn("https://charts.example.com"), Namespace: strIn("apps"),
		ServiceAccount: strIn("app"), IamPolicy: strIn(testPolicyJSON), Identity: strIn("podIdentity"),
	}}
	m, p := deploy(t, "demo", a)
	requirePodIdentityTrust(t, str(m.Find(t, "demo-release-apps-app-role"), "assumeRolePolicy"), "apps", "app")
	// The ARN the trust builds from the cluster's name is the one the cluster gets.
	if got := awaitString(t, p.ClusterArn); got != testClusterArn {
		t.Errorf("the trust names %s but the cluster is %s", testClusterArn, got)
	}
	// Built from the cluster's fixed name, the trust does not make the role wait for
	// the cluster (rule 8).
	if m.DependsOn("demo-release-apps-app-role", "demo-cluster") {
		t.Error("the Pod Identity role waits for the cluster")
	}
}

func TestOidcProviderOnlyWhenSomethingUsesIrsa(t *testing.T) {
	podIdentityCni := func() *Args {
		a := minimalArgs()
		a.EksAddons = &EksAddonsArgs{VpcCni: &EksAddonArgs{Identity: strIn("podIdentity")}}
		return a
	}
	release := func(identity string) HelmReleaseArgs {
		return HelmReleaseArgs{Name: strIn("app"), Chart: strIn("app"), Namespace: strIn("apps"),
			ServiceAccount: strIn("app"), IamPolicy: strIn(testPolicyJSON), Identity: strIn(identity)}
	}
	cases := []struct {
		name string
		args func() *Args
		want bool
	}{
		{"default platform (vpc-cni with IRSA)", minimalArgs, true},
		{"vpc-cni with Pod Identity, nothing else", podIdentityCni, false},
		{"vpc-cni disabled, nothing else", func() *Args {
			a := minimalArgs()
			a.EksAddons = &EksAddonsArgs{VpcCni: &EksAddonArgs{Enabled: boolIn(false)}}
			return a
		}, false},
		{"EBS CSI with IRSA", func() *Args {
			a := podIdentityCni()
			a.EksAddons.EbsCsiDriver = &EksAddonArgs{Enabled: boolIn(true)}
			return a
		}, true},
		{"helmReleases with IRSA", func() *Args { a := podIdentityCni(); a.HelmReleases = []HelmReleaseArgs{release("irsa")}; return a }, true},
		{"helmReleases with Pod Identity", func() *Args {
			a := podIdentityCni()
			a.HelmReleases = []HelmReleaseArgs{release("podIdentity")}
			return a
		}, false},
		{"helmReleases without a role", func() *Args {
			a := podIdentityCni()
			a.HelmReleases = []HelmReleaseArgs{{Name: strIn("app"), Chart: strIn("app")}}
			return a
		}, false},
		{"catalogue add-on with IRSA", func() *Args {
			a := podIdentityCni()
			a.Addons = &HelmAddonsArgs{AwsLoadBalancerController: &HelmAddonArgs{Enabled: boolIn(true)}}
			return a
		}, true},
		{"catalogue add-on without a role", func() *Args {
			a := podIdentityCni()
			a.Addons = &HelmAddonsArgs{MetricsServer: &HelmAddonArgs{Enabled: boolIn(true)}}
			return a
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, p := deploy(t, "demo", c.args())
			made := len(m.OfType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")) == 1
			if made != c.want {
				t.Fatalf("OIDC provider made = %v, want %v", made, c.want)
			}
			arn := awaitString(t, p.OidcProviderArn)
			if c.want && !strings.Contains(arn, ":oidc-provider/") || !c.want && arn != "" {
				t.Errorf("oidcProviderArn = %q", arn)
			}
			if !c.want {
				for _, call := range m.Calls() {
					if call.Token == "tls:index/getCertificate:getCertificate" {
						t.Error("the issuer's certificate was read for a provider that is not made")
					}
				}
			}
		})
	}
}

func TestPodIdentityAgentNotOnFargateOnlyClusters(t *testing.T) {
	fargateOnly := func() *Args {
		return fargateOnlyArgs(FargateProfileArgs{Name: strIn("ks"), Selectors: []FargateSelectorArgs{{Namespace: strIn("kube-system")}}})
	}
	m, _ := deploy(t, "demo", fargateOnly())
	for _, r := range m.OfType(typeAddon) {
		if r.Name == "demo-eks-pod-identity-agent" {
			t.Error("the Pod Identity agent (a DaemonSet) was installed on a cluster with only Fargate")
		}
	}
	a := fargateOnly()
	a.EksAddons = &EksAddonsArgs{PodIdentityAgent: &EksAddonArgs{Enabled: boolIn(true)}}
	requireInvalid(t, a, "eksAddons.podIdentityAgent: enabled, but there is no node group", "does not run on Fargate", "add a node group, or disable the agent")
	// With a node group it is on by default (TestBaseAddonsBeforeCompute) and may be
	// turned off.
	cfg, err := resolve(false, "demo", minimalArgs())
	if err != nil || !cfg.EksAddons.PodIdentityAgent.Enabled {
		t.Errorf("agent enabled = %v with a node group (err %v)", cfg != nil && cfg.EksAddons.PodIdentityAgent.Enabled, err)
	}
}

func TestValidationEksAddonIdentity(t *testing.T) {
	withAddons := func(e *EksAddonsArgs) *Args { a := minimalArgs(); a.EksAddons = e; return a }
	off := &EksAddonArgs{Enabled: boolIn(false)}
	requireInvalid(t, withAddons(&EksAddonsArgs{VpcCni: &EksAddonArgs{Identity: strIn("podIdentity")}, PodIdentityAgent: off}),
		"eksAddons.vpcCni.identity: podIdentity needs the eks-pod-identity-agent add-on")
	requireInvalid(t, withAddons(&EksAddonsArgs{EbsCsiDriver: &EksAddonArgs{Enabled: boolIn(true), Identity: strIn("podIdentity")}, PodIdentityAgent: off}),
		"eksAddons.ebsCsiDriver.identity: podIdentity needs the eks-pod-identity-agent add-on")
	requireInvalid(t, withAddons(&EksAddonsArgs{VpcCni: &EksAddonArgs{Identity: strIn("instanceRole")}}),
		`eksAddons.vpcCni.identity: unknown identity "instanceRole"; use one of irsa, podIdentity`)
	requireInvalid(t, withAddons(&EksAddonsArgs{KubeProxy: &EksAddonArgs{Identity: strIn("irsa")}}),
		"eksAddons.kubeProxy.identity: kube-proxy runs with no IAM role of its own", "remove identity")
	// A Fargate-only cluster has no agent, so Pod Identity is refused there.
	a := fargateOnlyArgs(FargateProfileArgs{Name: strIn("ks"), Selectors: []FargateSelectorArgs{{Namespace: strIn("kube-system")}}})
	a.EksAddons = &EksAddonsArgs{VpcCni: &EksAddonArgs{Identity: strIn("podIdentity")}}
	requireInvalid(t, a, "eksAddons.vpcCni.identity: podIdentity needs the eks-pod-identity-agent add-on")
}

func TestLogGroupEncryptedWithThePlatformKey(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	key := m.Find(t, "demo-secrets-key")
	lg := m.Find(t, "demo-cluster-logs")
	keyArn := "arn:aws:kms:us-west-2:" + mocktest.Account + ":key/" + mocktest.Hash(key.Name)
	if got := str(lg, "kmsKeyId"); got != keyArn {
		t.Errorf("log group kmsKeyId = %q, want the platform key %s", got, keyArn)
	}
	// The key exists before the log group (data flow), the log group before the
	// cluster (rule 1).
	m.RequireOrder(t, "key before log group", []mocktest.Resource{key}, []mocktest.Resource{lg})
	m.RequireOrder(t, "rule 1", []mocktest.Resource{lg}, []mocktest.Resource{m.Find(t, "demo-cluster")})

	doc := parsePolicy(t, str(key, "policy"))
	if len(doc.Statement) != 2 {
		t.Fatalf("key policy statements %+v", doc.Statement)
	}
	root, logs := doc.Statement[0], doc.Statement[1]
	if root.Principal == nil || root.Principal.AWS != "arn:aws:iam::"+mocktest.Account+":root" || !slices.Equal(root.Action, []string{"kms:*"}) {
		t.Errorf("the account does not administer the key: %+v", root)
	}
	wantActions := []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}
	if logs.Principal == nil || logs.Principal.Service != "logs.us-west-2.amazonaws.com" || !slices.Equal(logs.Action, wantActions) {
		t.Errorf("CloudWatch Logs statement %+v", logs)
	}
	wantArn := "arn:aws:logs:us-west-2:" + mocktest.Account + ":log-group:/aws/eks/demo/cluster"
	if got := logs.Condition["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]; got != wantArn || len(logs.Condition) != 1 {
		t.Errorf("CloudWatch Logs may use the key for %v, want exactly %s", logs.Condition, wantArn)
	}
}

func TestLogGroupWithUsersKeyOrNoEncryption(t *testing.T) {
	user := minimalArgs()
	user.KmsKeyArn = strIn("arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555")
	off := minimalArgs()
	off.SecretsEncryption = boolIn(false)
	for name, a := range map[string]*Args{"user's key": user, "encryption off": off} {
		m, _ := deploy(t, "demo", a)
		lg := m.Find(t, "demo-cluster-logs")
		if v, has := lg.Inputs[resource.PropertyKey("kmsKeyId")]; has && !v.IsNull() {
			t.Errorf("%s: log group kmsKeyId = %v; the platform cannot change that key's policy for CloudWatch Logs", name, v)
		}
		m.RequireOrder(t, "rule 1", []mocktest.Resource{lg}, []mocktest.Resource{m.Find(t, "demo-cluster")})
	}
}
