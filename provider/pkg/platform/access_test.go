package platform

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestCallerIsAdminUsesTheRoleNotTheSession(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	entry := m.Find(t, "demo-access-caller")
	if got := str(entry, "principalArn"); got != mocktest.CallerRoleArn {
		t.Errorf("caller entry principal = %q, want the role %q (not the session %q)", got, mocktest.CallerRoleArn, mocktest.CallerArn)
	}
	if got := str(entry, "type"); got != "STANDARD" {
		t.Errorf("type = %q", got)
	}
	assoc := m.Find(t, "demo-access-caller-AmazonEKSClusterAdminPolicy")
	if got := str(assoc, "policyArn"); got != "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" {
		t.Errorf("policyArn = %q", got)
	}
	if got := obj(assoc, "accessScope")["type"].StringValue(); got != "cluster" {
		t.Errorf("scope = %q, want cluster", got)
	}
	if got := str(assoc, "principalArn"); got != mocktest.CallerRoleArn {
		t.Errorf("association principal = %q", got)
	}
	if !m.DependsOn(assoc.Name, entry.Name) {
		t.Errorf("the association must follow its entry")
	}
}

func TestCallerIsAdminOff(t *testing.T) {
	a := minimalArgs()
	a.CallerIsAdmin = pulumi.Bool(false)
	m, _ := deploy(t, "demo", a)
	if n := len(m.OfType(typeAccessEntry)); n != 0 {
		t.Errorf("want no access entry, got %d", n)
	}
}

func TestAdminsAndAccessEntries(t *testing.T) {
	a := minimalArgs()
	a.Admins = pulumi.ToStringArray([]string{"arn:aws:iam::123456789012:role/PlatformAdmins"})
	a.AccessEntries = []AccessEntryArgs{
		{
			PrincipalArn:     pulumi.String("arn:aws:iam::123456789012:role/ci"),
			KubernetesGroups: pulumi.ToStringArray([]string{"deployers"}),
			Username:         pulumi.String("ci"),
			AccessPolicies: []AccessPolicyArgs{
				{Policy: pulumi.String("Admin"), Namespaces: pulumi.ToStringArray([]string{"team-a", "team-b"})},
				{Policy: pulumi.String("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy")},
			},
		},
		{PrincipalArn: pulumi.String("arn:aws:iam::123456789012:user/auditor"), AccessPolicies: []AccessPolicyArgs{{Policy: pulumi.String("View")}}},
		// An ARN only known at deployment: named by position.
		{PrincipalArn: pulumi.String("arn:aws:iam::123456789012:role/x").ToStringOutput()},
	}
	m, _ := deploy(t, "demo", a)
	admin := m.Find(t, "demo-access-role-PlatformAdmins")
	if got := str(admin, "principalArn"); got != "arn:aws:iam::123456789012:role/PlatformAdmins" {
		t.Errorf("admin principal = %q", got)
	}
	m.Find(t, "demo-access-role-PlatformAdmins-AmazonEKSClusterAdminPolicy")

	ci := m.Find(t, "demo-access-role-ci")
	if str(ci, "userName") != "ci" || strs(ci, "kubernetesGroups")[0] != "deployers" {
		t.Errorf("ci entry inputs = %v", ci.Inputs)
	}
	scope := obj(m.Find(t, "demo-access-role-ci-AmazonEKSAdminPolicy"), "accessScope")
	if scope["type"].StringValue() != "namespace" || len(scope["namespaces"].ArrayValue()) != 2 {
		t.Errorf("ci Admin scope = %v, want namespaces team-a, team-b", scope)
	}
	view := m.Find(t, "demo-access-role-ci-AmazonEKSViewPolicy")
	if got := str(view, "policyArn"); got != "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy" {
		t.Errorf("ARN policy = %q", got)
	}
	m.Find(t, "demo-access-user-auditor-AmazonEKSViewPolicy")
	// Named from its ARN once known, although it was given as an Output.
	m.Find(t, "demo-access-role-x")
	if n := len(m.OfType(typeAccessEntry)); n != 5 { // caller, admin, ci, auditor, x
		t.Errorf("want 5 access entries, got %d", n)
	}
}

func TestAccessEntryKeysCollide(t *testing.T) {
	a := minimalArgs()
	a.Admins = pulumi.ToStringArray([]string{"arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::210987654321:role/Admin"})
	m, _ := deploy(t, "demo", a)
	names := map[string]bool{}
	for _, e := range m.OfType(typeAccessEntry) {
		if strings.HasPrefix(e.Name, "demo-access-role-Admin-") {
			names[e.Name] = true
		}
	}
	if len(names) != 2 {
		t.Errorf("entries = %v, want distinct names for two roles called Admin", m.Names())
	}
}

func TestValidationAccess(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(a *Args)
		wants []string
	}{
		{"unknown policy", func(a *Args) {
			a.AccessEntries = []AccessEntryArgs{{PrincipalArn: pulumi.String("arn:aws:iam::123456789012:role/ci"), AccessPolicies: []AccessPolicyArgs{{Policy: pulumi.String("SuperUser")}}}}
		}, []string{"accessEntries[0].accessPolicies[0].policy", `"SuperUser"`, "ClusterAdmin, Admin, Edit, View"}},
		{"role mappings in API mode", func(a *Args) {
			a.RoleMappings = []RoleMappingArgs{{RoleArn: pulumi.String("arn:aws:iam::123456789012:role/ops"), Username: pulumi.String("ops")}}
		}, []string{"roleMappings:", "authenticationMode API", "API_AND_CONFIG_MAP"}},
		{"user mappings in API mode", func(a *Args) {
			a.UserMappings = []UserMappingArgs{{UserArn: pulumi.String("arn:aws:iam::123456789012:user/bob"), Username: pulumi.String("bob")}}
		}, []string{"userMappings:", "API_AND_CONFIG_MAP"}},
		{"admins in CONFIG_MAP mode", func(a *Args) {
			a.AuthenticationMode = pulumi.String("CONFIG_MAP")
			a.Admins = pulumi.ToStringArray([]string{"arn:aws:iam::123456789012:role/ops"})
		}, []string{"admins:", "API_AND_CONFIG_MAP"}},
		{"access entries in CONFIG_MAP mode", func(a *Args) {
			a.AuthenticationMode = pulumi.String("CONFIG_MAP")
			a.AccessEntries = []AccessEntryArgs{{PrincipalArn: pulumi.String("arn:aws:iam::123456789012:role/ops")}}
		}, []string{"accessEntries:", "API_AND_CONFIG_MAP"}},
		{"callerIsAdmin in CONFIG_MAP mode", func(a *Args) {
			a.AuthenticationMode = pulumi.String("CONFIG_MAP")
			a.CallerIsAdmin = pulumi.Bool(true)
		}, []string{"callerIsAdmin:", "API_AND_CONFIG_MAP"}},
		{"session ARN", func(a *Args) {
			a.Admins = pulumi.ToStringArray([]string{mocktest.CallerArn})
		}, []string{"admins[0]:", "STS session of role Deployer"}},
		{"duplicate principal", func(a *Args) {
			a.Admins = pulumi.ToStringArray([]string{"arn:aws:iam::123456789012:role/ops"})
			a.AccessEntries = []AccessEntryArgs{{PrincipalArn: pulumi.String("arn:aws:iam::123456789012:role/ops")}}
		}, []string{"accessEntries[0]:", "also given by admins[0]", "merge"}},
		{"duplicate policy", func(a *Args) {
			a.AccessEntries = []AccessEntryArgs{{PrincipalArn: pulumi.String("arn:aws:iam::123456789012:role/ci"), AccessPolicies: []AccessPolicyArgs{
				{Policy: pulumi.String("Edit"), Namespaces: pulumi.ToStringArray([]string{"a"})}, {Policy: pulumi.String("Edit"), Namespaces: pulumi.ToStringArray([]string{"b"})},
			}}}
		}, []string{"accessEntries[0].accessPolicies[1].policy", "associate each policy once"}},
		{"bad entry type", func(a *Args) {
			a.AccessEntries = []AccessEntryArgs{{PrincipalArn: pulumi.String("arn:aws:iam::123456789012:role/ci"), Type: pulumi.String("ADMIN")}}
		}, []string{"accessEntries[0].type", "STANDARD, EC2_LINUX"}},
		{"policies on a node entry", func(a *Args) {
			a.AccessEntries = []AccessEntryArgs{{PrincipalArn: pulumi.String("arn:aws:iam::123456789012:role/n"), Type: pulumi.String("EC2_LINUX"), AccessPolicies: []AccessPolicyArgs{{Policy: pulumi.String("View")}}}}
		}, []string{"accessEntries[0].accessPolicies", "EC2_LINUX"}},
		{"entry for a node group's own role", func(a *Args) {
			a.NodeGroups = []NodeGroupArgs{{Name: pulumi.String("g"), NodeRoleArn: pulumi.String("arn:aws:iam::123456789012:role/n")}}
			a.AccessEntries = []AccessEntryArgs{{PrincipalArn: pulumi.String("arn:aws:iam::123456789012:role/n"), Type: pulumi.String("EC2_LINUX")}}
		}, []string{"accessEntries[0]:", "nodeGroups[0].nodeRoleArn", "EKS creates"}},
		{"bad namespace", func(a *Args) {
			a.AccessEntries = []AccessEntryArgs{{PrincipalArn: pulumi.String("arn:aws:iam::123456789012:role/ci"), AccessPolicies: []AccessPolicyArgs{{Policy: pulumi.String("Edit"), Namespaces: pulumi.ToStringArray([]string{"Team_A"})}}}}
		}, []string{"accessEntries[0].accessPolicies[0].namespaces[0]"}},
		{"missing principal", func(a *Args) {
			a.AccessEntries = []AccessEntryArgs{{}}
		}, []string{"accessEntries[0].principalArn: missing"}},
		{"mapping without username", func(a *Args) {
			a.AuthenticationMode = pulumi.String("API_AND_CONFIG_MAP")
			a.RoleMappings = []RoleMappingArgs{{RoleArn: pulumi.String("arn:aws:iam::123456789012:role/ops")}}
		}, []string{"roleMappings[0].username: missing"}},
		{"user ARN as role mapping", func(a *Args) {
			a.AuthenticationMode = pulumi.String("CONFIG_MAP")
			a.RoleMappings = []RoleMappingArgs{{RoleArn: pulumi.String("arn:aws:iam::123456789012:user/bob"), Username: pulumi.String("bob")}}
		}, []string{"roleMappings[0].roleArn", "not an IAM role ARN"}},
		{"node role mapped by hand", func(a *Args) {
			a.AuthenticationMode = pulumi.String("CONFIG_MAP")
			a.NodeGroups = []NodeGroupArgs{{Name: pulumi.String("g"), NodeRoleArn: pulumi.String("arn:aws:iam::123456789012:role/n")}}
			a.RoleMappings = []RoleMappingArgs{{RoleArn: pulumi.String("arn:aws:iam::123456789012:role/n"), Username: pulumi.String("n")}}
		}, []string{"roleMappings[0].roleArn", "maps automatically"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := minimalArgs()
			c.edit(a)
			requireInvalid(t, a, c.wants...)
		})
	}
}

func TestAccessPolicyArnFollowsPartition(t *testing.T) {
	m := mocktest.New()
	m.Invokes["aws:index/getPartition:getPartition"] = func(resource.PropertyMap) resource.PropertyMap {
		return resource.PropertyMap{"partition": resource.NewProperty("aws-us-gov"), "id": resource.NewProperty("aws-us-gov"),
			"dnsSuffix": resource.NewProperty("amazonaws.com"), "reverseDnsPrefix": resource.NewProperty("com.amazonaws")}
	}
	if err := m.Run(func(ctx *pulumi.Context) error { _, err := New(ctx, "demo", minimalArgs()); return err }); err != nil {
		t.Fatal(err)
	}
	if got := str(m.Find(t, "demo-access-caller-AmazonEKSClusterAdminPolicy"), "policyArn"); got != "arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" {
		t.Errorf("policyArn = %q", got)
	}
}
