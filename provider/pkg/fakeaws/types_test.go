package fakeaws

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// platformReads lists, per type, the outputs the platform reads from the
// resources it makes (provider/pkg/platform): each must be computed, or an
// Apply downstream would see nothing in the unit tests or the simulated cloud.
var platformReads = map[string][]string{
	"aws:iam/role:Role":     {"arn", "name"},
	"aws:iam/policy:Policy": {"arn"},
	"aws:kms/key:Key":       {"arn", "keyId"},
	"aws:eks/cluster:Cluster": {"name", "arn", "endpoint", "certificateAuthority.data",
		"vpcConfig.clusterSecurityGroupId", "vpcConfig.vpcId", "identities.0.oidcs.0.issuer"},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": {"arn"},
	"aws:ec2/launchTemplate:LaunchTemplate":               {"latestVersion"},
}

// sampleInputs are inputs like the platform's, per type.
var sampleInputs = map[string]map[string]any{
	"aws:iam/role:Role":                                   {"name": "demo-node"},
	"aws:iam/policy:Policy":                               {"name": "demo-lbc"},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":   {"role": "demo-node", "policyArn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": {"url": ClusterIssuer("demo", "eu-west-1")},
	"aws:kms/key:Key":                                     {"enableKeyRotation": true},
	"aws:kms/alias:Alias":                                 {"name": "alias/demo", "targetKeyId": "k"},
	"aws:cloudwatch/logGroup:LogGroup":                    {"name": "/aws/eks/demo/cluster"},
	"aws:ec2/tag:Tag":                                     {"resourceId": "subnet-a", "key": "kubernetes.io/cluster/demo", "value": "shared"},
	"aws:ec2/launchTemplate:LaunchTemplate":               {"name": "demo-general"},
	"aws:ec2/vpc:Vpc":                                     {"cidrBlock": "10.0.0.0/16"},
	"aws:ec2/subnet:Subnet":                               {"vpcId": "vpc-0123456789abcdef0", "cidrBlock": "10.0.1.0/24", "availabilityZone": "eu-west-1a"},
	"aws:eks/cluster:Cluster": {"name": "demo", "vpcConfig": map[string]any{"subnetIds": []any{"subnet-b", "subnet-a"}},
		"enabledClusterLogTypes": []any{"api"}},
	"aws:eks/nodeGroup:NodeGroup":           {"clusterName": "demo", "nodeGroupName": "demo-general"},
	"aws:eks/fargateProfile:FargateProfile": {"clusterName": "demo", "fargateProfileName": "demo-system"},
	"aws:eks/addon:Addon":                   {"clusterName": "demo", "addonName": "kube-proxy"},
	"aws:eks/accessEntry:AccessEntry":       {"clusterName": "demo", "principalArn": "arn:aws:iam::123456789012:role/ci"},
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {"clusterName": "demo", "principalArn": "arn:aws:iam::123456789012:role/ci",
		"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"},
	"aws:eks/podIdentityAssociation:PodIdentityAssociation": {"clusterName": "demo", "namespace": "kube-system", "serviceAccount": "lbc"},
	"aws:sqs/queue:Queue":                    {"name": "demo-karpenter"},
	"aws:sqs/queuePolicy:QueuePolicy":        {"queueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/demo-karpenter"},
	"aws:cloudwatch/eventRule:EventRule":     {"name": "demo-karpenter-Rebalance"},
	"aws:cloudwatch/eventTarget:EventTarget": {"rule": "demo-karpenter-Rebalance", "targetId": "KarpenterInterruptionQueueTarget"},
	"aws:ec2/securityGroup:SecurityGroup":    {"namePrefix": "demo-node-", "vpcId": "vpc-0123456789abcdef0"},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {"securityGroupId": "sg-0123456789abcdef0", "ipProtocol": "tcp",
		"fromPort": 443, "toPort": 443, "cidrIpv4": "10.0.0.0/8"},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {"securityGroupId": "sg-0123456789abcdef0", "ipProtocol": "-1",
		"cidrIpv4": "10.0.0.0/8"},
}

const region = "eu-west-1"

func sample(t *testing.T, typ string) (string, resource.PropertyMap) {
	t.Helper()
	in, ok := sampleInputs[typ]
	if !ok {
		t.Fatalf("%s: no sample inputs", typ)
	}
	name := "x-" + LastSegment(strings.ReplaceAll(typ, ":", "/"))
	return Outputs(&Resource{Type: typ, URN: "urn:pulumi:dev::proj::" + typ + "::" + name, Name: name,
		Inputs: resource.NewPropertyMapFromMap(in), Region: region})
}

// at walks m along a dotted path whose numeric steps index arrays.
func at(m resource.PropertyMap, path string) resource.PropertyValue {
	cur := resource.NewObjectProperty(m)
	for _, k := range strings.Split(path, ".") {
		cur = Unwrap(cur)
		if i, err := strconv.Atoi(k); err == nil {
			if !cur.IsArray() || i >= len(cur.ArrayValue()) {
				return resource.NewNullProperty()
			}
			cur = cur.ArrayValue()[i]
			continue
		}
		if !cur.IsObject() {
			return resource.NewNullProperty()
		}
		cur = cur.ObjectValue()[resource.PropertyKey(k)]
	}
	return Unwrap(cur)
}

func TestEveryTypeHasTheOutputsThePlatformReads(t *testing.T) {
	for typ, paths := range platformReads {
		if _, ok := Types[typ]; !ok {
			t.Errorf("%s: not in Types", typ)
			continue
		}
		_, out := sample(t, typ)
		for _, p := range paths {
			v := at(out, p)
			hasString := v.IsString() && v.StringValue() != ""
			hasNumber := v.IsNumber() && v.NumberValue() > 0
			if !hasString && !hasNumber {
				t.Errorf("%s: output %s = %v, want a value", typ, p, v)
			}
		}
	}
}

func TestEveryTypeHasAnIDWellFormedARNsAndStableOutputs(t *testing.T) {
	for typ := range Types {
		id, out := sample(t, typ)
		if id == "" {
			t.Errorf("%s: empty id", typ)
		}
		for k, v := range out {
			if !strings.HasSuffix(strings.ToLower(string(k)), "arn") || !v.IsString() {
				continue
			}
			arn := v.StringValue()
			f := strings.SplitN(arn, ":", 6)
			if len(f) != 6 || f[0] != "arn" || f[1] != Partition || f[2] == "" || f[5] == "" ||
				(f[2] != "iam" && f[3] != region) || f[4] != Account {
				t.Errorf("%s: %s = %q is not an ARN of account %s in %s", typ, k, arn, Account, region)
			}
		}
		id2, out2 := sample(t, typ)
		if id2 != id || !out2.DeepEquals(out) {
			t.Errorf("%s: outputs differ between two computations: %s %v / %s %v", typ, id, out, id2, out2)
		}
	}
}

func TestClusterIdentifiersFitTogether(t *testing.T) {
	h := Hash("demo")
	if len(h) != 32 || strings.ToUpper(h) != h {
		t.Errorf("Hash = %q, want 32 upper-case hex digits as EKS uses", h)
	}
	id, out := sample(t, "aws:eks/cluster:Cluster")
	if id != "demo" || at(out, "endpoint").StringValue() != "https://"+h+".gr7."+region+".eks.amazonaws.com" {
		t.Errorf("id %q, endpoint %v", id, at(out, "endpoint"))
	}
	issuer := at(out, "identities.0.oidcs.0.issuer").StringValue()
	if issuer != "https://oidc.eks."+region+".amazonaws.com/id/"+h {
		t.Errorf("issuer %q", issuer)
	}
	// The OIDC provider made from that issuer is named after its host and path, as IAM does.
	if _, p := sample(t, "aws:iam/openIdConnectProvider:OpenIdConnectProvider"); at(p, "arn").StringValue() !=
		"arn:aws:iam::"+Account+":oidc-provider/oidc.eks."+region+".amazonaws.com/id/"+h {
		t.Errorf("oidc provider arn %v", at(p, "arn"))
	}
	if at(out, "version").StringValue() != DefaultKubernetesVersion || len(Strs(out, "vpcConfig", "subnetIds")) != 2 {
		t.Errorf("the cluster lost its defaults or inputs: %v", out)
	}
	// A different subnet order is the same VPC.
	swapped, _ := Outputs(&Resource{Type: "aws:eks/cluster:Cluster", Name: "c", Region: region,
		Inputs: resource.NewPropertyMapFromMap(map[string]any{"name": "demo", "vpcConfig": map[string]any{"subnetIds": []any{"subnet-a", "subnet-b"}}})})
	_, out2 := Outputs(&Resource{Type: "aws:eks/cluster:Cluster", Name: "c", Region: region,
		Inputs: resource.NewPropertyMapFromMap(map[string]any{"name": "demo", "vpcConfig": map[string]any{"subnetIds": []any{"subnet-b", "subnet-a"}}})})
	if swapped != "demo" || Str(out2, "vpcConfig", "vpcId") != Str(out, "vpcConfig", "vpcId") {
		t.Errorf("vpcId depends on the subnet order")
	}
}

func TestKeyIdIsTheHashOfItsName(t *testing.T) {
	id, out := Outputs(&Resource{Type: "aws:kms/key:Key", URN: "u", Name: "demo-secrets-key"})
	if id != Hash("demo-secrets-key") || Str(out, "keyId") != id ||
		Str(out, "arn") != "arn:aws:kms:"+DefaultRegion+":"+Account+":key/"+id {
		t.Errorf("id %q, outputs %v", id, out)
	}
}

func TestLaunchTemplateUpdateMakesANewVersion(t *testing.T) {
	r := &Resource{Type: "aws:ec2/launchTemplate:LaunchTemplate", URN: "u", Name: "lt",
		Inputs: resource.NewPropertyMapFromMap(map[string]any{"updateDefaultVersion": true})}
	id, first := Outputs(r)
	if !strings.HasPrefix(id, "lt-") || len(id) != len("lt-")+17 {
		t.Errorf("id %q, want lt- and 17 hex digits", id)
	}
	r.Old = first
	id2, second := Outputs(r)
	if v, _ := Num(second, "latestVersion"); v != 2 || id2 != id {
		t.Errorf("after an update: id %q, latestVersion %v", id2, second["latestVersion"])
	}
	if v, _ := Num(second, "defaultVersion"); v != 2 {
		t.Errorf("updateDefaultVersion: defaultVersion %v", second["defaultVersion"])
	}
}

func TestVpcAndSubnetIdsLookLikeEC2s(t *testing.T) {
	for typ, prefix := range map[string]string{"aws:ec2/vpc:Vpc": "vpc-", "aws:ec2/subnet:Subnet": "subnet-"} {
		id, out := sample(t, typ)
		rest, ok := strings.CutPrefix(id, prefix)
		if !ok || len(rest) != 17 || strings.Trim(rest, "0123456789abcdef") != "" {
			t.Errorf("%s: id %q, want %s and 17 hex digits", typ, id, prefix)
		}
		if !strings.HasSuffix(Str(out, "arn"), "/"+id) {
			t.Errorf("%s: arn %q does not end in the id", typ, Str(out, "arn"))
		}
		other, _ := Outputs(&Resource{Type: typ, URN: "urn:pulumi:prod::proj::" + typ + "::x", Name: "x", Region: region})
		if other == id {
			t.Errorf("%s: two URNs got the same id %s", typ, id)
		}
	}
}

func TestUnknownTypeEchoesItsInputs(t *testing.T) {
	id, out := Outputs(&Resource{Type: "aws:s3/bucket:Bucket", URN: "urn:q", Name: "q"})
	if id != Hex(32, "urn:q") || len(out) != 0 {
		t.Errorf("id %q, outputs %v", id, out)
	}
}

func TestAddonVersion(t *testing.T) {
	for _, c := range []struct{ addon, k8s, want string }{
		{"kube-proxy", "1.31", "v1.31.0-eksbuild.2"},
		{"kube-proxy", "", "v" + DefaultKubernetesVersion + ".0-eksbuild.2"},
		{"vpc-cni", "1.31", "v1.19.0-eksbuild.1"},
		{"someone-elses", "", "v1.0.0-eksbuild.1"},
	} {
		if got := AddonVersion(c.addon, c.k8s); got != c.want {
			t.Errorf("AddonVersion(%q, %q) = %q, want %q", c.addon, c.k8s, got, c.want)
		}
	}
	// An add-on given no version gets the default, one given a version keeps it.
	_, out := sample(t, "aws:eks/addon:Addon")
	if Str(out, "addonVersion") != AddonVersion("kube-proxy", "") {
		t.Errorf("addonVersion %v", out["addonVersion"])
	}
}

// The table is test infrastructure: the plugin must not carry it.
func TestPluginDoesNotImportFakeaws(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	cmd := exec.Command(goTool, "list", "-deps", "./provider/cmd/pulumi-resource-eksplatform")
	cmd.Dir = filepath.Join("..", "..", "..")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps gave too little to judge: %q", out)
	}
	for _, d := range deps {
		if d == "github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws" {
			t.Error("the plugin imports fakeaws; it is test infrastructure")
		}
	}
}
