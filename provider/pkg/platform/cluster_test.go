package platform

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Rule 1: subnet tags, the cluster role and its attachments, the KMS key and the log
// group exist before the cluster.
func TestRule1PrerequisitesBeforeCluster(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	cluster := m.OfType("aws:eks/cluster:Cluster")
	var before []mocktest.Resource
	for _, typ := range []string{
		"aws:ec2/tag:Tag",
		"aws:iam/role:Role",
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment",
		"aws:kms/key:Key",
		"aws:iam/rolePolicy:RolePolicy",
		"aws:cloudwatch/logGroup:LogGroup",
	} {
		got := m.OfType(typ)
		if len(got) == 0 {
			t.Fatalf("no %s registered", typ)
		}
		for _, r := range got {
			// Only the cluster's own prerequisites: node and add-on roles come later.
			if r.Type == "aws:iam/role:Role" && r.Name != "demo-cluster-role" {
				continue
			}
			// The cluster role's own attachments, named after it (the vpc-cni role's
			// depend on the cluster role too, through the OIDC provider, but follow the
			// cluster).
			if r.Type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && !strings.HasPrefix(r.Name, "demo-cluster-role-") {
				continue
			}
			before = append(before, r)
		}
	}
	m.RequireOrder(t, "rule 1", before, cluster)
}

func TestLogGroupNameAndRetention(t *testing.T) {
	args := minimalArgs()
	args.LogRetentionDays = intIn(90)
	m, _ := deploy(t, "demo", args)
	lg := m.Find(t, "demo-cluster-logs")
	if str(lg, "name") != "/aws/eks/demo/cluster" {
		t.Errorf("log group %q", str(lg, "name"))
	}
	if v := lg.Inputs["retentionInDays"]; !v.IsNumber() || v.NumberValue() != 90 {
		t.Errorf("retention %v, want 90", v)
	}
}

func TestClusterDefaults(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	c := m.Find(t, "demo-cluster")
	// On the pinned day (2026-12-07) the newest version in EKS standard support is 1.36.
	if str(c, "name") != "demo" || str(c, "version") != "1.36" {
		t.Errorf("name %q version %q", str(c, "name"), str(c, "version"))
	}
	vpc := obj(c, "vpcConfig")
	if !vpc["endpointPublicAccess"].BoolValue() || !vpc["endpointPrivateAccess"].BoolValue() {
		t.Errorf("endpoints: %v", vpc)
	}
	if got := strList(vpc["subnetIds"]); len(got) != 4 {
		t.Errorf("subnetIds %v", got)
	}
	if got := strList(c.Inputs["enabledClusterLogTypes"]); len(got) != 3 || got[0] != "api" || got[1] != "audit" || got[2] != "authenticator" {
		t.Errorf("log types %v", got)
	}
	access := obj(c, "accessConfig")
	if access["authenticationMode"].StringValue() != "API" || access["bootstrapClusterCreatorAdminPermissions"].BoolValue() {
		t.Errorf("accessConfig %v", access)
	}
	if c.Inputs["bootstrapSelfManagedAddons"].BoolValue() {
		t.Error("bootstrapSelfManagedAddons must be false: the platform installs them as managed add-ons")
	}
}

func TestClusterRoleTrustsEksOnly(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	doc := parsePolicy(t, str(m.Find(t, "demo-cluster-role"), "assumeRolePolicy"))
	if len(doc.Statement) != 1 {
		t.Fatalf("statements %+v", doc.Statement)
	}
	s := doc.Statement[0]
	if s.Effect != "Allow" || s.Principal == nil || s.Principal.Service != "eks.amazonaws.com" || len(s.Action) != 1 || s.Action[0] != "sts:AssumeRole" {
		t.Errorf("trust %+v", s)
	}
	att := m.Find(t, "demo-cluster-role-AmazonEKSClusterPolicy")
	if str(att, "policyArn") != "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" {
		t.Errorf("policy %q", str(att, "policyArn"))
	}
}

func TestSecretsEncryptionWithPlatformKey(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	key := m.Find(t, "demo-secrets-key")
	if !key.Inputs["enableKeyRotation"].BoolValue() {
		t.Error("key rotation must be on")
	}
	enc := m.Find(t, "demo-cluster").Inputs["encryptionConfig"].ObjectValue()
	if got := strList(enc["resources"]); len(got) != 1 || got[0] != "secrets" {
		t.Errorf("resources %v", got)
	}
	keyArn := enc["provider"].ObjectValue()["keyArn"].StringValue()
	if keyArn != "arn:aws:kms:us-west-2:123456789012:key/"+mocktest.Hash(key.Name) {
		t.Errorf("cluster encrypts with %q, not the platform's key", keyArn)
	}
	doc := parsePolicy(t, str(m.Find(t, "demo-cluster-role-kms"), "policy"))
	if r := doc.Statement[0].Resource; len(r) != 1 || r[0] != keyArn {
		t.Errorf("cluster role may use %v, want exactly %s", r, keyArn)
	}
}

func TestSecretsEncryptionWithUsersKey(t *testing.T) {
	const arn = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
	args := minimalArgs()
	args.KmsKeyArn = strIn(arn)
	m, _ := deploy(t, "demo", args)
	if len(m.OfType("aws:kms/key:Key")) != 0 {
		t.Error("a key was made although the user brought one")
	}
	enc := m.Find(t, "demo-cluster").Inputs["encryptionConfig"].ObjectValue()
	if got := enc["provider"].ObjectValue()["keyArn"].StringValue(); got != arn {
		t.Errorf("keyArn %q", got)
	}
}

func TestSecretsEncryptionOff(t *testing.T) {
	args := minimalArgs()
	args.SecretsEncryption = boolIn(false)
	m, _ := deploy(t, "demo", args)
	if len(m.OfType("aws:kms/key:Key")) != 0 || len(m.OfType("aws:iam/rolePolicy:RolePolicy")) != 0 {
		t.Error("key or key policy made with encryption off")
	}
	if _, ok := m.Find(t, "demo-cluster").Inputs["encryptionConfig"]; ok {
		t.Error("encryptionConfig set with encryption off")
	}
}

func TestEndpointAccessAndCidrs(t *testing.T) {
	args := minimalArgs()
	args.PublicAccessCidrs = strsIn("203.0.113.0/24", "198.51.100.0/24")
	m, _ := deploy(t, "demo", args)
	vpc := obj(m.Find(t, "demo-cluster"), "vpcConfig")
	if got := strList(vpc["publicAccessCidrs"]); len(got) != 2 || got[0] != "203.0.113.0/24" {
		t.Errorf("cidrs %v", got)
	}
}

func TestTagsOnEveryTaggableResource(t *testing.T) {
	args := minimalArgs()
	args.Tags = strMapIn(map[string]string{"team": "platform", "env": "dev"})
	m, _ := deploy(t, "demo", args)
	for _, r := range m.Resources() {
		if !r.Custom || !isAWS(r.Type) || untaggable[r.Type] {
			continue
		}
		tags := obj(r, "tags")
		if !tags["team"].IsString() || tags["team"].StringValue() != "platform" || !tags["env"].IsString() || tags["env"].StringValue() != "dev" {
			t.Errorf("%s (%s) lacks the platform tags: %v", r.Name, r.Type, tags)
		}
	}
}

func TestRule2OidcAfterClusterAndThumbprintFromTls(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	oidc := m.Find(t, "demo-oidc")
	if !m.DependsOn("demo-oidc", "demo-cluster") {
		t.Error("the OIDC provider must follow the cluster (it needs the issuer URL)")
	}
	if got := str(oidc, "url"); got != "https://oidc.eks.us-west-2.amazonaws.com/id/"+mocktest.Hash("demo") {
		t.Errorf("url %q is not the cluster's issuer", got)
	}
	if got := strList(oidc.Inputs["clientIdLists"]); len(got) != 1 || got[0] != "sts.amazonaws.com" {
		t.Errorf("client ids %v", got)
	}
	if got := strList(oidc.Inputs["thumbprintLists"]); len(got) != 1 || got[0] != mocktest.Thumbprint {
		t.Errorf("thumbprints %v", got)
	}
	var asked bool
	for _, c := range m.Calls() {
		if c.Token == "tls:index/getCertificate:getCertificate" && c.Args["url"].StringValue() == str(oidc, "url") {
			asked = true
		}
	}
	if !asked {
		t.Error("thumbprint not read from the issuer's certificate with tls.getCertificate")
	}
}

// Helpers for reading recorded inputs.

type policy struct {
	Version   string
	Statement []struct {
		Effect    string
		Principal *struct{ Service, Federated, AWS string }
		Action    []string
		Resource  []string
		Condition map[string]map[string]string
	}
}

func parsePolicy(t *testing.T, doc string) policy {
	t.Helper()
	var p policy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, doc)
	}
	if p.Version != "2012-10-17" {
		t.Errorf("policy version %q", p.Version)
	}
	return p
}

func strList(v resource.PropertyValue) []string {
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

// untaggable are the AWS types the platform uses that have no tags argument.
var untaggable = map[string]bool{
	"aws:ec2/tag:Tag": true,
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":       true,
	"aws:iam/rolePolicy:RolePolicy":                           true,
	"aws:kms/alias:Alias":                                     true,
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation": true,
}

func isAWS(typ string) bool { return len(typ) > 4 && typ[:4] == "aws:" }
