package addons

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"strings"
)

// This file is the one place in code that says where the catalogue's pins and vendored
// files come from. policies/SOURCES.md records how each fact was verified (read at the
// upstream tag, with commits and dates); the tests check the vendored files' sha256
// against VendoredFiles and the README's catalogue table against Catalogue().

// vendoredFS holds the vendored files, byte for byte as upstream ships them: IAM
// policies under policies/, charts' CustomResourceDefinitions under crds/. The CRDs are
// embedded gzipped (crds/<file>.yaml.gz, `make crds` writes them from the .yaml beside
// them): 3.3 MB of OpenAPI schemas are 0.3 MB compressed, and the plugin ships to every
// user (docs/design.md, "Build time and size"). The .yaml files stay in the repository
// as upstream wrote them, for review and for their sha256; the test checks that every
// .gz decompresses to its .yaml byte for byte.
//
//go:embed policies/*.json policies/*.yaml crds/*.yaml.gz
var vendoredFS embed.FS

// VendoredFile is one file copied unchanged from an upstream repository.
type VendoredFile struct {
	// File is the path in this package: policies/<name>.json or crds/<name>.yaml.
	File string
	// Repository is the upstream GitHub repository (owner/name).
	Repository string
	// Tag and Commit are the release the file was copied at.
	Tag    string
	Commit string
	// Path is the file's path in Repository at Tag.
	Path string
	// SHA256 is the file's sha256, hex; TestVendoredFilesMatchTheirSHA256 recomputes it.
	SHA256 string
}

// VendoredFiles are every file under policies/ and crds/ the code embeds.
var VendoredFiles = []VendoredFile{
	{
		File:       "policies/aws-load-balancer-controller-v3.5.0.json",
		Repository: "kubernetes-sigs/aws-load-balancer-controller",
		Tag:        "v3.5.0",
		Commit:     "11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4",
		Path:       "docs/install/iam_policy.json",
		SHA256:     "16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a",
	},
	{
		File:       "policies/aws-load-balancer-controller-v3.5.0-cn.json",
		Repository: "kubernetes-sigs/aws-load-balancer-controller",
		Tag:        "v3.5.0",
		Commit:     "11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4",
		Path:       "docs/install/iam_policy_cn.json",
		SHA256:     "b1ac7c188d27a2cdb3095c7efd8376cd21705fe75d6ce91715558a85987b25bc",
	},
	{
		File:       "policies/aws-load-balancer-controller-v3.5.0-us-gov.json",
		Repository: "kubernetes-sigs/aws-load-balancer-controller",
		Tag:        "v3.5.0",
		Commit:     "11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4",
		Path:       "docs/install/iam_policy_us-gov.json",
		SHA256:     "eff0caf0b8f205e63e09ee1ea37a90fba6a87a417ac40fc83da50b204a55f372",
	},
	// The chart's crds/ directory at the tag of the pinned chart version (the
	// .helmignore leaves out crds/kustomization.yaml, so Helm would install exactly
	// these two files). AWSLoadBalancerController().CRDFiles names them.
	{
		File:       "crds/aws-load-balancer-controller-v3.5.0-crds.yaml",
		Repository: "kubernetes-sigs/aws-load-balancer-controller",
		Tag:        "v3.5.0",
		Commit:     "11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4",
		Path:       "helm/aws-load-balancer-controller/crds/crds.yaml",
		SHA256:     "cb00e9a8ee22cc51307bbed799faff306ab4d23a9fd201d26fcd53ab035777d9",
	},
	{
		File:       "crds/aws-load-balancer-controller-v3.5.0-gateway-crds.yaml",
		Repository: "kubernetes-sigs/aws-load-balancer-controller",
		Tag:        "v3.5.0",
		Commit:     "11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4",
		Path:       "helm/aws-load-balancer-controller/crds/gateway-crds.yaml",
		SHA256:     "fce68bbfc74b4ed7dbea675f46981cbef1fffc8981cf19c0c1e7a2e9d6464862",
	},
	// ExternalDNS's chart ships one CRD (DNSEndpoint) in its crds/ directory.
	{
		File:       "crds/external-dns-1.21.1-dnsendpoints.externaldns.k8s.io.yaml",
		Repository: "kubernetes-sigs/external-dns",
		Tag:        "external-dns-helm-chart-1.21.1",
		Commit:     "9f26451346774099a8b3e3e5cc46a53bf2fd1461",
		Path:       "charts/external-dns/crds/dnsendpoints.externaldns.k8s.io.yaml",
		SHA256:     "96f4383d550a04d7c78b3312edc6e0f9dab9777d8195ff4cfdc76a0ca9587bbe",
	},
	// cert-manager's chart renders its CRDs from templates/ (crds.enabled), not crds/;
	// these are the sources those templates are generated from, at the release tag
	// (same spec; policies/SOURCES.md). CertManager().CRDFiles names them.
	{
		File:       "crds/cert-manager-v1.21.1-acme.cert-manager.io_challenges.yaml",
		Repository: "cert-manager/cert-manager",
		Tag:        "v1.21.1",
		Commit:     "24e33194fb39488eff2bbf10c6dc640f407cad44",
		Path:       "deploy/crds/acme.cert-manager.io_challenges.yaml",
		SHA256:     "dff7542a2ee6581e3963a076410212ad3207201b70df8a328aa50826d569161c",
	},
	{
		File:       "crds/cert-manager-v1.21.1-acme.cert-manager.io_orders.yaml",
		Repository: "cert-manager/cert-manager",
		Tag:        "v1.21.1",
		Commit:     "24e33194fb39488eff2bbf10c6dc640f407cad44",
		Path:       "deploy/crds/acme.cert-manager.io_orders.yaml",
		SHA256:     "b1e9c938b9724482cc0612aac949b40e062001fc9732234c591f24cb9ffc5ca7",
	},
	{
		File:       "crds/cert-manager-v1.21.1-cert-manager.io_certificaterequests.yaml",
		Repository: "cert-manager/cert-manager",
		Tag:        "v1.21.1",
		Commit:     "24e33194fb39488eff2bbf10c6dc640f407cad44",
		Path:       "deploy/crds/cert-manager.io_certificaterequests.yaml",
		SHA256:     "74cf3801ab146a1745498de5f3b619cde6f2dc89ae03755084be08129ce726c3",
	},
	{
		File:       "crds/cert-manager-v1.21.1-cert-manager.io_certificates.yaml",
		Repository: "cert-manager/cert-manager",
		Tag:        "v1.21.1",
		Commit:     "24e33194fb39488eff2bbf10c6dc640f407cad44",
		Path:       "deploy/crds/cert-manager.io_certificates.yaml",
		SHA256:     "7ad91029c00ec959d54215b19d3b1a9b7e0247eaa60f987151c2b70d8661f8af",
	},
	{
		File:       "crds/cert-manager-v1.21.1-cert-manager.io_clusterissuers.yaml",
		Repository: "cert-manager/cert-manager",
		Tag:        "v1.21.1",
		Commit:     "24e33194fb39488eff2bbf10c6dc640f407cad44",
		Path:       "deploy/crds/cert-manager.io_clusterissuers.yaml",
		SHA256:     "30008001b78aafb8e110af61359561104b5fafc3a4dc6ac0013245d0ee3fe4ca",
	},
	{
		File:       "crds/cert-manager-v1.21.1-cert-manager.io_issuers.yaml",
		Repository: "cert-manager/cert-manager",
		Tag:        "v1.21.1",
		Commit:     "24e33194fb39488eff2bbf10c6dc640f407cad44",
		Path:       "deploy/crds/cert-manager.io_issuers.yaml",
		SHA256:     "05e37efb02777e0362d24269fa103c2fc11419f9c85e31854ef873e5d9e5c5cc",
	},
	// external-secrets' chart generates templates/crds/ from this bundle at packaging;
	// with the chart's defaults they are the same objects (policies/SOURCES.md).
	{
		File:       "crds/external-secrets-2.9.0-bundle.yaml",
		Repository: "external-secrets/external-secrets",
		Tag:        "helm-chart-2.9.0",
		Commit:     "cc5bfbc2234ace9cb0caff4ea89c435cf517b27b",
		Path:       "deploy/crds/bundle.yaml",
		SHA256:     "08b08d88e9522436698d6c90510b530d491081fbf92015faa7a571bb8b50bc5b",
	},
	// Karpenter v1.14.1: upstream's CloudFormation template of the controller's IAM
	// policies, queue and EventBridge rules (rendered by KarpenterControllerPolicies), and
	// the chart's crds/ (five symlinks into pkg/apis/crds/, vendored as their targets).
	{
		File:       "policies/karpenter-v1.14.1-cloudformation.yaml",
		Repository: "aws/karpenter-provider-aws",
		Tag:        "v1.14.1",
		Commit:     "bde00654cd316fddb3dccfba3f5ac07039865429",
		Path:       "website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml",
		SHA256:     "7ffeb01f04b5da482ef43087830de00a476098416e3b4576c38239ef1b0bef4b",
	},
	{
		File:       "crds/karpenter-1.14.1-autoscaling.x-k8s.io_capacitybuffers.yaml",
		Repository: "aws/karpenter-provider-aws",
		Tag:        "v1.14.1",
		Commit:     "bde00654cd316fddb3dccfba3f5ac07039865429",
		Path:       "pkg/apis/crds/autoscaling.x-k8s.io_capacitybuffers.yaml",
		SHA256:     "66fd5680b902b38fb9657ad2b432196a06c42b37d078e53be2e39909200a6342",
	},
	{
		File:       "crds/karpenter-1.14.1-karpenter.k8s.aws_ec2nodeclasses.yaml",
		Repository: "aws/karpenter-provider-aws",
		Tag:        "v1.14.1",
		Commit:     "bde00654cd316fddb3dccfba3f5ac07039865429",
		Path:       "pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml",
		SHA256:     "62dec59f01c0972d4503ca3ed25f243ba9c2f561be0d964ce7a14c8df406132f",
	},
	{
		File:       "crds/karpenter-1.14.1-karpenter.sh_nodeclaims.yaml",
		Repository: "aws/karpenter-provider-aws",
		Tag:        "v1.14.1",
		Commit:     "bde00654cd316fddb3dccfba3f5ac07039865429",
		Path:       "pkg/apis/crds/karpenter.sh_nodeclaims.yaml",
		SHA256:     "96037dc241031fe0f7a09ddf78183d885ce6a1dfe115f7b3fbf8a12c564be694",
	},
	{
		File:       "crds/karpenter-1.14.1-karpenter.sh_nodeoverlays.yaml",
		Repository: "aws/karpenter-provider-aws",
		Tag:        "v1.14.1",
		Commit:     "bde00654cd316fddb3dccfba3f5ac07039865429",
		Path:       "pkg/apis/crds/karpenter.sh_nodeoverlays.yaml",
		SHA256:     "6ff6199aff096cc87cd9508f8c5ae62c6d3452aa90c2828ee36380340f3ece62",
	},
	{
		File:       "crds/karpenter-1.14.1-karpenter.sh_nodepools.yaml",
		Repository: "aws/karpenter-provider-aws",
		Tag:        "v1.14.1",
		Commit:     "bde00654cd316fddb3dccfba3f5ac07039865429",
		Path:       "pkg/apis/crds/karpenter.sh_nodepools.yaml",
		SHA256:     "3bb64a20c80776b77aa19a699ebdaf34480a7b2e7ec4ef890b43225b3517f878",
	},
}

// ChartSource is where a catalogue pin was read: the chart's Chart.yaml in its upstream
// git repository at a release tag (the Helm repository in Addon.Repository serves the
// same chart version).
type ChartSource struct {
	Repository string
	Tag        string
	Commit     string
	// ChartYAML is the path of Chart.yaml at Tag.
	ChartYAML string
}

// ChartSources are the sources of every catalogue pin, by add-on key.
var ChartSources = map[string]ChartSource{
	"awsLoadBalancerController": {
		Repository: "kubernetes-sigs/aws-load-balancer-controller",
		Tag:        "v3.5.0",
		Commit:     "11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4",
		ChartYAML:  "helm/aws-load-balancer-controller/Chart.yaml",
	},
	"externalDns": {
		Repository: "kubernetes-sigs/external-dns",
		Tag:        "external-dns-helm-chart-1.21.1",
		Commit:     "9f26451346774099a8b3e3e5cc46a53bf2fd1461",
		ChartYAML:  "charts/external-dns/Chart.yaml",
	},
	"clusterAutoscaler": {
		Repository: "kubernetes/autoscaler",
		Tag:        "cluster-autoscaler-chart-9.59.0",
		Commit:     "5a0b98e45f896e98132737240ac131a519d3b33d",
		ChartYAML:  "cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml",
	},
	"metricsServer": {
		Repository: "kubernetes-sigs/metrics-server",
		Tag:        "metrics-server-helm-chart-3.13.1",
		Commit:     "842dcc8c42f22cc19f10c7d5f2d32a9f4b6013b0",
		ChartYAML:  "charts/metrics-server/Chart.yaml",
	},
	// Chart.yaml at the tag says v0.0.0: the release tool packages the chart with
	// --version and --app-version set to the tag (make/manifests.mk at v1.21.1).
	"certManager": {
		Repository: "cert-manager/cert-manager",
		Tag:        "v1.21.1",
		Commit:     "24e33194fb39488eff2bbf10c6dc640f407cad44",
		ChartYAML:  "deploy/charts/cert-manager/Chart.yaml",
	},
	"externalSecrets": {
		Repository: "external-secrets/external-secrets",
		Tag:        "helm-chart-2.9.0",
		Commit:     "cc5bfbc2234ace9cb0caff4ea89c435cf517b27b",
		ChartYAML:  "deploy/charts/external-secrets/Chart.yaml",
	},
}

// vendored returns a vendored file's bytes; it must be listed in VendoredFiles.
func vendored(file string) (string, error) {
	for _, v := range VendoredFiles {
		if v.File == file {
			if strings.HasPrefix(file, "crds/") {
				return gunzipped(file + ".gz")
			}
			b, err := vendoredFS.ReadFile(file)
			if err != nil {
				return "", err
			}
			return string(b), nil
		}
	}
	return "", fmt.Errorf("%s is not a listed vendored file", file)
}

// gunzipped returns the decompressed bytes of an embedded .gz file.
func gunzipped(file string) (string, error) {
	b, err := vendoredFS.ReadFile(file)
	if err != nil {
		return "", err
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	return string(out), nil
}
