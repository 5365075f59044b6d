package mocktest

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const (
	// Account and Region are the mocks' AWS account and region.
	Account = "123456789012"
	Region  = "us-west-2"
	// CallerArn is the assumed-role session getCallerIdentity returns.
	CallerArn = "arn:aws:sts::123456789012:assumed-role/Deployer/alice"
	// CallerRoleArn is the role behind CallerArn, as getSessionContext returns it.
	CallerRoleArn = "arn:aws:iam::123456789012:role/Deployer"
	// Thumbprint is the root CA fingerprint getCertificate returns.
	Thumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
)

// Hash is the short deterministic hash the mocks derive IDs from.
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:16]
}

// computedOutputs returns an ID and the inputs plus the outputs the real provider
// computes for the types the platform uses, so Applies downstream see real-looking values.
func computedOutputs(typ, name string, in resource.PropertyMap) (string, resource.PropertyMap) {
	out := in.Copy()
	str := func(k string) string {
		if v, ok := in[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return name
	}
	set := func(k, v string) { out[resource.PropertyKey(k)] = resource.NewProperty(v) }
	id := name + "-id"
	switch typ {
	case "aws:iam/role:Role":
		id = str("name")
		set("arn", "arn:aws:iam::"+Account+":role/"+id)
		set("name", id)
	case "aws:iam/policy:Policy":
		id = "arn:aws:iam::" + Account + ":policy/" + str("name")
		set("arn", id)
	case "aws:kms/key:Key":
		id = Hash(name)
		set("keyId", id)
		set("arn", "arn:aws:kms:"+Region+":"+Account+":key/"+id)
	case "aws:eks/cluster:Cluster":
		id = str("name")
		h := Hash(id)
		set("arn", "arn:aws:eks:"+Region+":"+Account+":cluster/"+id)
		set("endpoint", "https://"+h+".gr7."+Region+".eks.amazonaws.com")
		out["certificateAuthority"] = resource.NewProperty(resource.PropertyMap{"data": resource.NewProperty("Q0EtREFUQQ==")})
		out["identities"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
			"oidcs": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
				"issuer": resource.NewProperty("https://oidc.eks." + Region + ".amazonaws.com/id/" + h),
			})}),
		})})
		vpc := resource.PropertyMap{}
		if v, ok := in["vpcConfig"]; ok && v.IsObject() {
			vpc = v.ObjectValue().Copy()
		}
		vpc["clusterSecurityGroupId"] = resource.NewProperty("sg-" + h)
		vpc["vpcId"] = resource.NewProperty("vpc-" + h)
		out["vpcConfig"] = resource.NewProperty(vpc)
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		id = "arn:aws:iam::" + Account + ":oidc-provider/" + Hash(name)
		set("arn", id)
	case "aws:eks/nodeGroup:NodeGroup", "aws:eks/fargateProfile:FargateProfile", "aws:eks/addon:Addon",
		"aws:eks/accessEntry:AccessEntry", "aws:eks/podIdentityAssociation:PodIdentityAssociation":
		set("arn", "arn:aws:eks:"+Region+":"+Account+":"+name)
		if typ == "aws:eks/addon:Addon" {
			if _, ok := in["addonVersion"]; !ok {
				set("addonVersion", "v1.0.0-eksbuild.1")
			}
		}
	case "aws:ec2/launchTemplate:LaunchTemplate":
		id = "lt-" + Hash(name)
		out["latestVersion"] = resource.NewProperty(1.0)
	}
	if _, ok := out["arn"]; !ok {
		set("arn", "arn:aws:mock:"+Region+":"+Account+":"+name)
	}
	return id, out
}

// defaultInvokes answers the data sources the platform calls.
func defaultInvokes() map[string]func(resource.PropertyMap) resource.PropertyMap {
	obj := func(kv ...string) resource.PropertyMap {
		m := resource.PropertyMap{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[resource.PropertyKey(kv[i])] = resource.NewProperty(kv[i+1])
		}
		return m
	}
	return map[string]func(resource.PropertyMap) resource.PropertyMap{
		"aws:index/getPartition:getPartition": func(resource.PropertyMap) resource.PropertyMap {
			return obj("partition", "aws", "dnsSuffix", "amazonaws.com", "id", "aws", "reverseDnsPrefix", "com.amazonaws")
		},
		"aws:index/getRegion:getRegion": func(resource.PropertyMap) resource.PropertyMap {
			return obj("name", Region, "id", Region, "region", Region, "description", "US West (Oregon)", "endpoint", "ec2."+Region+".amazonaws.com")
		},
		"aws:index/getCallerIdentity:getCallerIdentity": func(resource.PropertyMap) resource.PropertyMap {
			return obj("accountId", Account, "arn", CallerArn, "id", Account, "userId", "AROAEXAMPLE:alice")
		},
		"aws:iam/getSessionContext:getSessionContext": func(a resource.PropertyMap) resource.PropertyMap {
			return obj("arn", CallerArn, "issuerArn", CallerRoleArn, "issuerId", "AROAEXAMPLE", "issuerName", "Deployer", "sessionName", "alice", "id", CallerArn)
		},
		"aws:eks/getClusterAuth:getClusterAuth": func(a resource.PropertyMap) resource.PropertyMap {
			return obj("id", a["name"].StringValue(), "name", a["name"].StringValue(), "token", "k8s-aws-v1.mock-token")
		},
		"aws:eks/getAddonVersion:getAddonVersion": func(a resource.PropertyMap) resource.PropertyMap {
			return obj("id", a["addonName"].StringValue(), "addonName", a["addonName"].StringValue(),
				"kubernetesVersion", a["kubernetesVersion"].StringValue(), "version", "v1.0.0-eksbuild.1")
		},
		"tls:index/getCertificate:getCertificate": func(a resource.PropertyMap) resource.PropertyMap {
			cert := obj("sha1Fingerprint", Thumbprint, "subject", "CN=Root", "issuer", "CN=Root", "serialNumber", "1",
				"signatureAlgorithm", "SHA256-RSA", "publicKeyAlgorithm", "RSA", "notBefore", "2020-01-01T00:00:00Z",
				"notAfter", "2040-01-01T00:00:00Z", "certPem", "-----BEGIN CERTIFICATE-----")
			cert["isCa"] = resource.NewProperty(true)
			cert["version"] = resource.NewProperty(3.0)
			out := obj("id", "cert", "url", a["url"].StringValue())
			out["certificates"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(cert)})
			return out
		},
	}
}
