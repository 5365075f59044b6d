package addons

import (
	"embed"
	"fmt"
)

// This file is the one place in code that says where the catalogue's pins and vendored
// files come from. policies/SOURCES.md records how each fact was verified (read at the
// upstream tag, with commits and dates); the tests check the vendored files' sha256
// against VendoredFiles and the README's catalogue table against Catalogue().

// policyFiles holds the vendored files, byte for byte as upstream ships them.
//
//go:embed policies/*.json
var policyFiles embed.FS

// VendoredFile is one file copied unchanged from an upstream repository.
type VendoredFile struct {
	// File is the name under policies/.
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

// VendoredFiles are every file under policies/ the code embeds.
var VendoredFiles = []VendoredFile{
	{
		File:       "aws-load-balancer-controller-v3.5.0.json",
		Repository: "kubernetes-sigs/aws-load-balancer-controller",
		Tag:        "v3.5.0",
		Commit:     "11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4",
		Path:       "docs/install/iam_policy.json",
		SHA256:     "16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a",
	},
	{
		File:       "aws-load-balancer-controller-v3.5.0-cn.json",
		Repository: "kubernetes-sigs/aws-load-balancer-controller",
		Tag:        "v3.5.0",
		Commit:     "11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4",
		Path:       "docs/install/iam_policy_cn.json",
		SHA256:     "b1ac7c188d27a2cdb3095c7efd8376cd21705fe75d6ce91715558a85987b25bc",
	},
	{
		File:       "aws-load-balancer-controller-v3.5.0-us-gov.json",
		Repository: "kubernetes-sigs/aws-load-balancer-controller",
		Tag:        "v3.5.0",
		Commit:     "11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4",
		Path:       "docs/install/iam_policy_us-gov.json",
		SHA256:     "eff0caf0b8f205e63e09ee1ea37a90fba6a87a417ac40fc83da50b204a55f372",
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
}

// vendored returns a vendored file's bytes; it must be listed in VendoredFiles.
func vendored(file string) (string, error) {
	for _, v := range VendoredFiles {
		if v.File == file {
			b, err := policyFiles.ReadFile("policies/" + file)
			if err != nil {
				return "", err
			}
			return string(b), nil
		}
	}
	return "", fmt.Errorf("policies/%s is not a listed vendored file", file)
}
