package platform

import (
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const typeRolePolicy = "aws:iam/rolePolicy:RolePolicy"

// extraArgs is a platform with one node group and the given eksAddons.extra.
func extraArgs(extra ...ExtraEksAddonArgs) *Args {
	a := minimalArgs()
	a.EksAddons = &EksAddonsArgs{Extra: extra}
	return a
}

// requireIrsaTrust checks a trust policy lets exactly namespace:serviceAccount, with the
// STS audience, assume the role through the cluster's OIDC provider.
func requireIrsaTrust(t *testing.T, doc, namespace string, serviceAccounts ...string) {
	t.Helper()
	d := parsePolicy(t, doc)
	if len(d.Statement) != len(serviceAccounts) {
		t.Fatalf("trust has %d statements, want one per service account %v: %s", len(d.Statement), serviceAccounts, doc)
	}
	for i, serviceAccount := range serviceAccounts {
		s := d.Statement[i]
		eq := s.Condition["StringEquals"]
		var sub, aud string
		for k, v := range eq {
			switch {
			case strings.HasSuffix(k, ":sub"):
				sub = v
			case strings.HasSuffix(k, ":aud"):
				aud = v
			}
		}
		if s.Principal == nil || !strings.Contains(s.Principal.Federated, "oidc-provider/") || s.Action[0] != "sts:AssumeRoleWithWebIdentity" ||
			sub != "system:serviceaccount:"+namespace+":"+serviceAccount || aud != "sts.amazonaws.com" || len(eq) != 2 || len(s.Condition) != 1 {
			t.Errorf("trust statement %d = %+v, want IRSA for exactly %s:%s with the STS audience", i, s, namespace, serviceAccount)
		}
	}
}

// The known add-ons get their namespace, service account and AWS's recommended managed
// policies from the table; IRSA puts the role on serviceAccountRoleArn.
func TestExtraEksAddonKnownWithIrsa(t *testing.T) {
	m, p := deploy(t, "demo", extraArgs(
		ExtraEksAddonArgs{Name: strIn("aws-efs-csi-driver")},
		ExtraEksAddonArgs{Name: strIn("amazon-cloudwatch-observability")},
	))
	roleArns := awaitStringMap(t, p.AddonRoleArns)
	for _, c := range []struct {
		addon, namespace string
		serviceAccounts  []string
		policies         map[string]string
	}{
		// The EFS driver's node DaemonSet (efs-csi-node-sa, the chart's
		// node.serviceAccount.name) mounts with IAM authorization as the same role: AWS's
		// add-on page widens the trust to efs-csi-*; the platform names both exactly.
		{"aws-efs-csi-driver", "kube-system", []string{"efs-csi-controller-sa", "efs-csi-node-sa"},
			map[string]string{"AmazonEFSCSIDriverPolicy": "arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy"}},
		{"amazon-cloudwatch-observability", "amazon-cloudwatch", []string{"cloudwatch-agent"}, map[string]string{
			"CloudWatchAgentServerPolicy": "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
			"AWSXrayWriteOnlyAccess":      "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"}},
	} {
		role := m.Find(t, "demo-eks-addon-"+c.addon+"-role")
		requireIrsaTrust(t, str(role, "assumeRolePolicy"), c.namespace, c.serviceAccounts...)
		if got, want := str(role, "name"), "demo-addon-"+c.addon; got != want {
			t.Errorf("role name %q, want %q", got, want)
		}
		addon := m.Find(t, "demo-"+c.addon)
		if got := str(addon, "addonName"); got != c.addon {
			t.Errorf("addonName = %q", got)
		}
		if got, want := str(addon, "serviceAccountRoleArn"), "arn:aws:iam::"+mocktest.Account+":role/demo-addon-"+c.addon; got != want || roleArns[c.addon] != want {
			t.Errorf("%s: serviceAccountRoleArn %q, addonRoleArns %q, want %q", c.addon, got, roleArns[c.addon], want)
		}
		if _, has := addon.Inputs["podIdentityAssociations"]; has {
			t.Errorf("%s with IRSA has pod identity associations", c.addon)
		}
		for key, arn := range c.policies {
			att := m.Find(t, role.Name+"-"+key)
			if got := str(att, "policyArn"); got != arn {
				t.Errorf("%s policyArn = %q, want %q", att.Name, got, arn)
			}
			// The add-on's pods never start before their permissions exist (rule 6's
			// reasoning, for EKS add-ons).
			if !m.DependsOn(addon.Name, att.Name) {
				t.Errorf("%s does not wait for %s", addon.Name, att.Name)
			}
		}
		// Its role follows the OIDC provider (rule 2); no inline policy was asked for.
		if !m.DependsOn(role.Name, "demo-oidc") {
			t.Errorf("%s does not follow the OIDC provider", role.Name)
		}
		// The platform owns the configuration, as for the typed add-ons; the default
		// version is resolved for the cluster's Kubernetes version and then kept.
		if str(addon, "resolveConflictsOnCreate") != "OVERWRITE" || str(addon, "resolveConflictsOnUpdate") != "OVERWRITE" {
			t.Errorf("%s resolves conflicts %q/%q", addon.Name, str(addon, "resolveConflictsOnCreate"), str(addon, "resolveConflictsOnUpdate"))
		}
		if str(addon, "addonVersion") == "" {
			t.Errorf("%s has no version", addon.Name)
		}
	}
	if n := len(m.OfType(typeRolePolicy)); n != 1 { // the cluster role's KMS policy only
		t.Errorf("%d inline role policies, want only the cluster role's", n)
	}
}

// Pod Identity: the association is the add-on's own (EKS makes and deletes it with the
// add-on), naming the service account; the role is trusted by Pod Identity for that
// service account of this cluster; nothing else uses IRSA, so there is no OIDC provider.
func TestExtraEksAddonPodIdentity(t *testing.T) {
	a := extraArgs(ExtraEksAddonArgs{Name: strIn("aws-efs-csi-driver"), Identity: strIn("podIdentity")})
	a.EksAddons.VpcCni = &EksAddonArgs{Identity: strIn("podIdentity")}
	m, p := deploy(t, "demo", a)
	role := m.Find(t, "demo-eks-addon-aws-efs-csi-driver-role")
	requirePodIdentityTrust(t, str(role, "assumeRolePolicy"), "kube-system", "efs-csi-controller-sa", "efs-csi-node-sa")
	addon := m.Find(t, "demo-aws-efs-csi-driver")
	if got := str(addon, "serviceAccountRoleArn"); got != "" {
		t.Errorf("serviceAccountRoleArn = %q with Pod Identity", got)
	}
	assocs := addon.Inputs["podIdentityAssociations"]
	if !assocs.IsArray() || len(assocs.ArrayValue()) != 2 {
		t.Fatalf("podIdentityAssociations = %v, want one per service account (controller and node)", assocs)
	}
	for i, sa := range []string{"efs-csi-controller-sa", "efs-csi-node-sa"} {
		assoc := assocs.ArrayValue()[i].ObjectValue()
		if assoc["serviceAccount"].StringValue() != sa ||
			assoc["roleArn"].StringValue() != awaitStringMap(t, p.AddonRoleArns)["aws-efs-csi-driver"] {
			t.Errorf("association %d %v, want %s with the add-on's role", i, assoc, sa)
		}
	}
	if len(m.OfType("aws:eks/podIdentityAssociation:PodIdentityAssociation")) != 0 {
		t.Error("a separate PodIdentityAssociation was made; the add-on owns its association")
	}
	if len(m.OfType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")) != 0 {
		t.Error("an OIDC provider was made though nothing uses IRSA")
	}
	if m.DependsOn(role.Name, "demo-cluster") {
		t.Error("the Pod Identity role waits for the cluster (rule 8)")
	}
}

// An add-on the platform does not know: the user's namespace, service account,
// managed policies (keyed by name, whatever their position) and inline policy.
func TestExtraEksAddonUnknownWithOwnPolicies(t *testing.T) {
	m, _ := deploy(t, "demo", extraArgs(ExtraEksAddonArgs{
		Name:                strIn("vendor_agent"),
		Version:             strIn("v1.2.3-eksbuild.4"),
		Namespace:           strIn("vendor"),
		ServiceAccount:      strIn("agent"),
		ManagedPolicyArns:   strsIn("arn:aws:iam::123456789012:policy/team/VendorAgent", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"),
		IamPolicy:           strIn(testPolicyJSON),
		ResolveConflicts:    strIn("PRESERVE"),
		ConfigurationValues: pulumi.Map{"replicas": pulumi.Int(2)},
	}))
	role := m.Find(t, "demo-eks-addon-vendor_agent-role")
	requireIrsaTrust(t, str(role, "assumeRolePolicy"), "vendor", "agent")
	for key, arn := range map[string]string{
		"VendorAgent":            "arn:aws:iam::123456789012:policy/team/VendorAgent",
		"AmazonS3ReadOnlyAccess": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
	} {
		if got := str(m.Find(t, role.Name+"-"+key), "policyArn"); got != arn {
			t.Errorf("%s: policyArn %q, want %q", key, got, arn)
		}
	}
	inline := m.Find(t, role.Name+"-inline")
	if got := str(inline, "policy"); got != testPolicyJSON {
		t.Errorf("inline policy %s", got)
	}
	addon := m.Find(t, "demo-vendor_agent")
	if !m.DependsOn(addon.Name, inline.Name) {
		t.Error("the add-on does not wait for its inline policy")
	}
	// PRESERVE is valid on update only; on create NONE keeps others' fields likewise.
	if str(addon, "resolveConflictsOnCreate") != "NONE" || str(addon, "resolveConflictsOnUpdate") != "PRESERVE" {
		t.Errorf("resolveConflicts %q/%q, want NONE/PRESERVE", str(addon, "resolveConflictsOnCreate"), str(addon, "resolveConflictsOnUpdate"))
	}
	if got := str(addon, "addonVersion"); got != "v1.2.3-eksbuild.4" {
		t.Errorf("addonVersion %q", got)
	}
	if got := str(addon, "configurationValues"); got != `{"replicas":2}` {
		t.Errorf("configurationValues %s", got)
	}
}

// No policy, none recommended: no role, no serviceAccountRoleArn; an empty
// managedPolicyArns turns the recommended ones off.
func TestExtraEksAddonWithoutRole(t *testing.T) {
	m, p := deploy(t, "demo", extraArgs(
		ExtraEksAddonArgs{Name: strIn("snapshot-controller")},
		ExtraEksAddonArgs{Name: strIn("amazon-cloudwatch-observability"), ManagedPolicyArns: pulumi.StringArray{}},
	))
	for _, name := range []string{"snapshot-controller", "amazon-cloudwatch-observability"} {
		if str(m.Find(t, "demo-"+name), "serviceAccountRoleArn") != "" {
			t.Errorf("%s has a role", name)
		}
		if slices.Contains(m.Names(), "demo-eks-addon-"+name+"-role") {
			t.Errorf("%s: a role was made", name)
		}
		if _, has := awaitStringMap(t, p.AddonRoleArns)[name]; has {
			t.Errorf("addonRoleArns names %s", name)
		}
	}
}

// Rule 4: the node agents start with the node add-ons and wait for no compute; the
// add-ons with a Deployment, and unknown ones, wait for the node add-ons and for the
// compute that schedules their namespace, not for compute that will not run them. The
// ALB controller waits for all of them (rule 9).
func TestExtraEksAddonsPlacement(t *testing.T) {
	a := barrierPlatform()
	a.EksAddons = &EksAddonsArgs{Extra: []ExtraEksAddonArgs{
		{Name: strIn("eks-node-monitoring-agent")},
		{Name: strIn("aws-guardduty-agent")},
		{Name: strIn("aws-efs-csi-driver")},
		{Name: strIn("amazon-cloudwatch-observability")},
		{Name: strIn("vendor-thing")},
		{Name: strIn("vendor-apps"), Namespace: strIn("apps")},
		{Name: strIn("vendor-daemon"), Placement: strIn("beforeCompute")},
	}}
	m, _ := deploy(t, "demo", a)
	compute := []string{"demo-ng-general", "demo-fargate-system", "demo-fargate-apps"}
	nodeAddons := []mocktest.Resource{m.Find(t, "demo-vpc-cni"), m.Find(t, "demo-kube-proxy"), m.Find(t, "demo-eks-pod-identity-agent")}
	for _, early := range []string{"eks-node-monitoring-agent", "aws-guardduty-agent", "vendor-daemon"} {
		r := m.Find(t, "demo-"+early)
		for _, c := range compute {
			if m.DependsOn(r.Name, c) {
				t.Errorf("rule 8: %s (DaemonSets only) waits for %s", r.Name, c)
			}
		}
	}
	// kube-system: the system profile selects it, so there (rule 4 step 1).
	for _, late := range []string{"aws-efs-csi-driver"} {
		m.RequireOrder(t, "rule 4", append([]mocktest.Resource{m.Find(t, "demo-fargate-system")}, nodeAddons...), []mocktest.Resource{m.Find(t, "demo-"+late)})
		if direct := m.Find(t, "demo-"+late).DependsOn; slices.Contains(direct, "demo-ng-general") {
			t.Errorf("rule 4: %s waits for the node group, though its namespace runs on Fargate", late)
		}
	}
	// amazon-cloudwatch: no profile selects it, so the node group.
	m.RequireOrder(t, "rule 4", append([]mocktest.Resource{m.Find(t, "demo-ng-general")}, nodeAddons...),
		[]mocktest.Resource{m.Find(t, "demo-amazon-cloudwatch-observability")})
	if direct := m.Find(t, "demo-amazon-cloudwatch-observability").DependsOn; slices.Contains(direct, "demo-fargate-apps") {
		t.Error("rule 4: the CloudWatch add-on waits for the apps profile")
	}
	// An unknown add-on with no namespace waits for all compute; with one, for its own.
	m.RequireOrder(t, "rule 4", []mocktest.Resource{m.Find(t, "demo-ng-general"), m.Find(t, "demo-fargate-apps")},
		[]mocktest.Resource{m.Find(t, "demo-vendor-thing")})
	m.RequireOrder(t, "rule 4", []mocktest.Resource{m.Find(t, "demo-fargate-apps")}, []mocktest.Resource{m.Find(t, "demo-vendor-apps")})
	if direct := m.Find(t, "demo-vendor-apps").DependsOn; slices.Contains(direct, "demo-ng-general") {
		t.Error("rule 4: vendor-apps waits for the node group though the apps profile runs it")
	}
	// Rule 9: every extra add-on is done before the ALB controller's webhook appears.
	var extras []mocktest.Resource
	for _, n := range []string{"eks-node-monitoring-agent", "aws-guardduty-agent", "aws-efs-csi-driver", "amazon-cloudwatch-observability", "vendor-thing", "vendor-apps", "vendor-daemon"} {
		extras = append(extras, m.Find(t, "demo-"+n))
	}
	m.RequireOrder(t, "rule 9", extras, []mocktest.Resource{m.Find(t, "demo-aws-load-balancer-controller")})
}

func TestValidationExtraEksAddons(t *testing.T) {
	fargateOnly := func(extra ...ExtraEksAddonArgs) *Args {
		a := fargateOnlyArgs(FargateProfileArgs{Name: strIn("ks"), Selectors: []FargateSelectorArgs{{Namespace: strIn("kube-system")}}})
		a.EksAddons = &EksAddonsArgs{Extra: extra}
		return a
	}
	noCompute := func(extra ...ExtraEksAddonArgs) *Args {
		a := extraArgs(extra...)
		a.NodeGroups = nil
		a.EksAddons.Coredns = &EksAddonArgs{Enabled: boolIn(false)}
		a.EksAddons.PodIdentityAgent = &EksAddonArgs{Enabled: boolIn(false)}
		return a
	}
	withHelmMetrics := extraArgs(ExtraEksAddonArgs{Name: strIn("metrics-server")})
	withHelmMetrics.Addons = &HelmAddonsArgs{MetricsServer: &HelmAddonArgs{Enabled: boolIn(true)}}
	withHelmCertManager := extraArgs(ExtraEksAddonArgs{Name: strIn("cert-manager")})
	withHelmCertManager.Addons = &HelmAddonsArgs{CertManager: &CertManagerAddonArgs{Enabled: boolIn(true)}}
	cases := []struct {
		name  string
		args  *Args
		wants []string
	}{
		{"helm twin cert-manager", withHelmCertManager, []string{"eksAddons.extra[0].name: cert-manager is also installed by addons.certManager (Helm)"}},
		{"no name", extraArgs(ExtraEksAddonArgs{}), []string{"eksAddons.extra[0].name: required"}},
		{"bad name", extraArgs(ExtraEksAddonArgs{Name: strIn("EFS driver")}), []string{"eksAddons.extra[0].name: \"EFS driver\" is not an EKS add-on name"}},
		{"typed name", extraArgs(ExtraEksAddonArgs{Name: strIn("coredns")}), []string{"eksAddons.extra[0].name: coredns has inputs of its own; configure it at eksAddons.coredns"}},
		{"typed ebs", extraArgs(ExtraEksAddonArgs{Name: strIn("aws-ebs-csi-driver")}), []string{"at eksAddons.ebsCsiDriver instead"}},
		{"duplicate", extraArgs(ExtraEksAddonArgs{Name: strIn("snapshot-controller")}, ExtraEksAddonArgs{Name: strIn("snapshot-controller")}),
			[]string{"eksAddons.extra[1].name: snapshot-controller is also given by eksAddons.extra[0]"}},
		{"helm twin", withHelmMetrics, []string{"eksAddons.extra[0].name: metrics-server is also installed by addons.metricsServer (Helm)"}},
		{"bad version", extraArgs(ExtraEksAddonArgs{Name: strIn("snapshot-controller"), Version: strIn("8.1")}),
			[]string{"eksAddons.extra[0].version: \"8.1\" is not an EKS add-on version"}},
		{"bad resolveConflicts", extraArgs(ExtraEksAddonArgs{Name: strIn("snapshot-controller"), ResolveConflicts: strIn("KEEP")}),
			[]string{"eksAddons.extra[0].resolveConflicts: unknown mode \"KEEP\"; use one of OVERWRITE, NONE, PRESERVE"}},
		{"bad placement", extraArgs(ExtraEksAddonArgs{Name: strIn("snapshot-controller"), Placement: strIn("early")}),
			[]string{"eksAddons.extra[0].placement: unknown placement \"early\""}},
		{"Deployment before compute", extraArgs(ExtraEksAddonArgs{Name: strIn("aws-efs-csi-driver"), Placement: strIn("beforeCompute")}),
			[]string{"eksAddons.extra[0].placement: aws-efs-csi-driver runs a Deployment"}},
		{"other namespace", extraArgs(ExtraEksAddonArgs{Name: strIn("aws-efs-csi-driver"), Namespace: strIn("storage")}),
			[]string{"eksAddons.extra[0].namespace: aws-efs-csi-driver uses \"kube-system\"; remove namespace"}},
		{"other service account", extraArgs(ExtraEksAddonArgs{Name: strIn("aws-efs-csi-driver"), ServiceAccount: strIn("efs")}),
			[]string{"eksAddons.extra[0].serviceAccount: aws-efs-csi-driver uses \"efs-csi-controller-sa\"; remove serviceAccount"}},
		{"unknown add-on with a role, no namespace or service account",
			extraArgs(ExtraEksAddonArgs{Name: strIn("vendor-agent"), IamPolicy: strIn(testPolicyJSON)}),
			[]string{"eksAddons.extra[0].serviceAccount: required for vendor-agent with an IAM role", "eksAddons.extra[0].namespace: required for vendor-agent with an IAM role"}},
		{"identity without a role", extraArgs(ExtraEksAddonArgs{Name: strIn("snapshot-controller"), Identity: strIn("irsa")}),
			[]string{"eksAddons.extra[0].identity: snapshot-controller has no IAM role"}},
		{"bad identity", extraArgs(ExtraEksAddonArgs{Name: strIn("aws-efs-csi-driver"), Identity: strIn("oidc")}),
			[]string{"eksAddons.extra[0].identity: unknown identity \"oidc\""}},
		{"pod identity without the agent", fargateOnly(ExtraEksAddonArgs{Name: strIn("aws-efs-csi-driver"), Identity: strIn("podIdentity")}),
			[]string{"eksAddons.extra[0].identity: podIdentity needs the eks-pod-identity-agent add-on"}},
		{"bad policy ARN", extraArgs(ExtraEksAddonArgs{Name: strIn("aws-efs-csi-driver"), ManagedPolicyArns: strsIn("AmazonEFSCSIDriverPolicy")}),
			[]string{"eksAddons.extra[0].managedPolicyArns[0]: \"AmazonEFSCSIDriverPolicy\" is not an IAM policy ARN"}},
		{"same policy twice", extraArgs(ExtraEksAddonArgs{Name: strIn("aws-efs-csi-driver"),
			ManagedPolicyArns: strsIn("arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/A")}),
			[]string{"eksAddons.extra[0].managedPolicyArns[1]: \"arn:aws:iam::aws:policy/A\" is also eksAddons.extra[0].managedPolicyArns[0]"}},
		{"bad inline policy", extraArgs(ExtraEksAddonArgs{Name: strIn("aws-efs-csi-driver"), IamPolicy: strIn("{")}),
			[]string{"eksAddons.extra[0].iamPolicy: not valid JSON"}},
		{"bad namespace", extraArgs(ExtraEksAddonArgs{Name: strIn("vendor"), Namespace: strIn("Vendor_NS")}),
			[]string{"eksAddons.extra[0].namespace: \"Vendor_NS\" is not a Kubernetes namespace name"}},
		{"Deployment with no compute", noCompute(ExtraEksAddonArgs{Name: strIn("snapshot-controller")}),
			[]string{"eksAddons.extra[0]: snapshot-controller runs pods that need compute"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { requireInvalid(t, c.args, c.wants...) })
	}
}

// Policy ARNs given as Outputs (a policy the program makes) are keyed by their names at
// the update; a secret ARN by a hash, so it never shows in a URN; two policies of one
// name by a hash of each ARN.
func TestExtraEksAddonPolicyKeys(t *testing.T) {
	m, _ := deploy(t, "demo", extraArgs(ExtraEksAddonArgs{Name: strIn("aws-efs-csi-driver"),
		ManagedPolicyArns: pulumi.StringArray{
			pulumi.String("arn:aws:iam::123456789012:policy/Efs").ToStringOutput(),
			pulumi.String("arn:aws:iam::123456789012:policy/a/Dup"),
			pulumi.String("arn:aws:iam::123456789012:policy/b/Dup"),
		}}))
	var keys []string
	for _, r := range m.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if k, ok := strings.CutPrefix(r.Name, "demo-eks-addon-aws-efs-csi-driver-role-"); ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if len(keys) != 3 || keys[2] != "Efs" || !strings.HasPrefix(keys[0], "Dup-") || !strings.HasPrefix(keys[1], "Dup-") || keys[0] == keys[1] {
		t.Errorf("attachment keys %v, want Efs and two hashed Dup", keys)
	}
	m, _ = deploy(t, "demo", extraArgs(ExtraEksAddonArgs{Name: strIn("aws-efs-csi-driver"),
		ManagedPolicyArns: pulumi.ToSecret(strsIn("arn:aws:iam::123456789012:policy/Hidden")).(pulumi.StringArrayOutput)}))
	for _, n := range m.Names() {
		if strings.Contains(n, "Hidden") {
			t.Errorf("a secret policy ARN shows in a resource name: %s", n)
		}
	}
}

// Under Auto Mode with no node group: an add-on with a Deployment waits for the
// built-in general-purpose pool (the cluster), Pod Identity needs no agent add-on (Auto
// Mode nodes run it), and the node monitoring agent, which Auto Mode runs itself, is
// rejected as a second copy.
func TestExtraEksAddonsUnderAutoMode(t *testing.T) {
	a := autoModeArgs()
	a.EksAddons = &EksAddonsArgs{Extra: []ExtraEksAddonArgs{{Name: strIn("aws-efs-csi-driver"), Identity: strIn("podIdentity")}}}
	m, _ := deploy(t, "demo", a)
	efs := m.Find(t, "demo-aws-efs-csi-driver")
	m.RequireOrder(t, "rule 4", []mocktest.Resource{m.Find(t, "demo-cluster")}, []mocktest.Resource{efs})
	if assocs := efs.Inputs["podIdentityAssociations"]; !assocs.IsArray() || len(assocs.ArrayValue()) != 2 {
		t.Errorf("podIdentityAssociations = %v under Auto Mode, want the controller's and the node's", assocs)
	}
	a = autoModeArgs()
	a.EksAddons = &EksAddonsArgs{Extra: []ExtraEksAddonArgs{{Name: strIn("eks-node-monitoring-agent")}}}
	requireInvalid(t, a, "eksAddons.extra[0]: eks-node-monitoring-agent is part of EKS Auto Mode's own nodes")
}
