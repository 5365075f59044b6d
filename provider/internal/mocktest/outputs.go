package mocktest

import (
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/fakeaws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const (
	// Account and Region are the mocks' AWS account and region.
	Account = fakeaws.Account
	Region  = fakeaws.DefaultRegion
	// CallerArn is the assumed-role session getCallerIdentity returns.
	CallerArn = "arn:aws:sts::123456789012:assumed-role/Deployer/alice"
	// CallerRoleArn is the role behind CallerArn, as getSessionContext returns it.
	CallerRoleArn = "arn:aws:iam::123456789012:role/Deployer"
	// Thumbprint is the root CA fingerprint getCertificate returns.
	Thumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
)

// Hash is the hash the fake AWS derives a cluster's endpoint and OIDC issuer
// id from (seed: the cluster name), and a KMS key's id (seed: its resource name).
func Hash(s string) string { return fakeaws.Hash(s) }

// computedOutputs returns an ID and the inputs plus the outputs the real provider
// computes (as fakeaws describes them, the same the end-to-end tests' simulated
// cloud returns), so Applies downstream see real-looking values.
func computedOutputs(typ, name string, in resource.PropertyMap) (string, resource.PropertyMap) {
	// The mocks get no URN; one without the parent's type is stable and unique enough.
	urn := "urn:pulumi:stack::project::" + typ + "::" + name
	id, computed := fakeaws.Outputs(&fakeaws.Resource{Type: typ, URN: urn, Name: name, Inputs: in, Region: Region})
	out := in.Copy()
	for k, v := range computed {
		out[k] = v
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
		// No EKS cluster exists yet: every test is a first create unless it sets a live
		// cluster (SetLiveCluster).
		"aws:eks/getClusters:getClusters": func(resource.PropertyMap) resource.PropertyMap {
			out := obj("id", Region)
			out["names"] = resource.NewProperty([]resource.PropertyValue{})
			return out
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
