// Package charts holds the Helm chart archives the test bed renders (tools/internal/helmrender):
// every chart the platform installs (the catalogue's six and Karpenter's), at exactly the
// versions provider/pkg/addons pins, and podinfo for `helmReleases` tests (a chart of the
// other service-account convention: serviceAccount.enabled, not .create). No chart
// repository can be reached from this machine, so each archive is packaged from the
// chart's directory in its upstream git repository at the release tag, with Helm's own
// loader and packager (tools/cmd/packcharts), changed only as the release process
// changes it (Packaging says how); SOURCES.md is the record. The archives are not the
// published ones byte for byte (those were not readable here): they hold the same
// templates, values and schema, in Helm's own archive layout.
package charts

import (
	"fmt"
	"path/filepath"
	"runtime"
)

// Source is one vendored chart archive and where it came from.
type Source struct {
	// Chart and Version are the chart's name and version as its packaged Chart.yaml says;
	// the archive is <Chart>-<Version>.tgz in this directory.
	Chart, Version string
	// AppVersion is the packaged Chart.yaml's appVersion.
	AppVersion string
	// Repository (owner/name), Tag and Commit are the upstream release; Path is the
	// chart's directory at that tag.
	Repository, Tag, Commit, Path string
	// ExtraPaths are other directories of the tag the chart's symlinks point into
	// (Karpenter's crds/ links into pkg/apis/crds/); extracted beside Path.
	ExtraPaths []string
	// SetVersion: the release process packages with `--version Version --app-version
	// AppVersion` (Chart.yaml at the tag holds a placeholder).
	SetVersion bool
	// Annotations are Chart.yaml annotations the release process adds; AnnotationFiles
	// those it adds from a file of the chart's directory (its path relative to Path).
	Annotations, AnnotationFiles map[string]string
	// ValuesEdits are values.yaml lines the release process rewrites, old → new.
	ValuesEdits [][2]string
	// Dependencies are subcharts the release bundles under charts/ (Chart.lock), each
	// packaged from its own upstream tag.
	Dependencies []Source
	// Packaging says how the archive differs from the chart directory at the tag, and
	// what of the release process was not reproduced.
	Packaging string
	// SHA256 is the archive's sha256, hex; TestArchivesMatchTheirSHA256 recomputes it.
	SHA256 string
}

// File is the archive's file name.
func (s Source) File() string { return s.Chart + "-" + s.Version + ".tgz" }

// Dir is this directory, where the archives are.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// Archive is the path of the vendored archive of chart at version.
func Archive(chart, version string) (string, error) {
	for _, s := range Sources {
		if s.Chart == chart && s.Version == version {
			return filepath.Join(Dir(), s.File()), nil
		}
	}
	return "", fmt.Errorf("no vendored archive of chart %s %s under tools/charts (see SOURCES.md to add one)", chart, version)
}

// Sources are the vendored archives (read 2026-12-08 from snapshots of the upstream
// repositories running to about August 2026).
var Sources = []Source{
	{
		Chart: "aws-load-balancer-controller", Version: "3.5.0", AppVersion: "v3.5.0",
		Repository: "kubernetes-sigs/aws-load-balancer-controller", Tag: "v3.5.0",
		Commit: "11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4", Path: "helm/aws-load-balancer-controller",
		Packaging: "the chart directory as it is at the tag (aws/eks-charts publishes a copy of it)",
		SHA256:    "e8d3714ae9cc0180c5a3b18033fe63be992629876167c204b0af4262119df367",
	},
	{
		Chart: "external-dns", Version: "1.21.1", AppVersion: "0.21.0",
		Repository: "kubernetes-sigs/external-dns", Tag: "external-dns-helm-chart-1.21.1",
		Commit: "9f26451346774099a8b3e3e5cc46a53bf2fd1461", Path: "charts/external-dns",
		Packaging: "the chart directory as it is at the tag",
		SHA256:    "211734739a0cdd50fcc2824042be4086b349438c68e1b4befdc7f3254d920d54",
	},
	{
		Chart: "cluster-autoscaler", Version: "9.59.0", AppVersion: "1.35.0",
		Repository: "kubernetes/autoscaler", Tag: "cluster-autoscaler-chart-9.59.0",
		Commit: "5a0b98e45f896e98132737240ac131a519d3b33d", Path: "cluster-autoscaler/charts/cluster-autoscaler",
		Packaging: "the chart directory as it is at the tag",
		SHA256:    "4805e64f5d1e5514f00c8ded3a302b46d0d3c0d0fbff8ac452faf39f598e4098",
	},
	{
		Chart: "metrics-server", Version: "3.13.1", AppVersion: "0.8.1",
		Repository: "kubernetes-sigs/metrics-server", Tag: "metrics-server-helm-chart-3.13.1",
		Commit: "842dcc8c42f22cc19f10c7d5f2d32a9f4b6013b0", Path: "charts/metrics-server",
		Packaging: "the chart directory as it is at the tag",
		SHA256:    "85286190cee95cddb3bba410a7e3b6ac948071c2ad7d85b020207fc846587bf8",
	},
	{
		Chart: "cert-manager", Version: "v1.21.1", AppVersion: "v1.21.1",
		Repository: "cert-manager/cert-manager", Tag: "v1.21.1",
		Commit: "24e33194fb39488eff2bbf10c6dc640f407cad44", Path: "deploy/charts/cert-manager",
		SetVersion:      true,
		Annotations:     map[string]string{"artifacthub.io/prerelease": "false"},
		AnnotationFiles: map[string]string{"artifacthub.io/signKey": "signkey_annotation.txt"},
		Packaging: "Chart.yaml at the tag says v0.0.0; the release (make/manifests.mk) sets version and " +
			"appVersion to the tag and adds the artifacthub.io/signKey annotation (from signkey_annotation.txt) " +
			"and artifacthub.io/prerelease \"false\", done here; its README.md (README.template.md with the " +
			"version substituted) is not made, the template is packaged as it is",
		SHA256: "b6e05755ad3817b0b7cdcba5f0a5227bde57eee5fbe3e1fe7e729ef296b40127",
	},
	{
		Chart: "external-secrets", Version: "2.9.0", AppVersion: "v2.9.0",
		Repository: "external-secrets/external-secrets", Tag: "helm-chart-2.9.0",
		Commit: "cc5bfbc2234ace9cb0caff4ea89c435cf517b27b", Path: "deploy/charts/external-secrets",
		Dependencies: []Source{{
			Chart: "bitwarden-sdk-server", Version: "v0.6.0", AppVersion: "v0.6.0",
			Repository: "external-secrets/bitwarden-sdk-server", Tag: "v0.6.0",
			Commit: "a85829122db472ea35ff4666721823d34fe407b3", Path: "deploy/charts/bitwarden-sdk-server",
			SetVersion: true,
			Packaging: "Chart.yaml at the tag says 0.1.0; the release workflow (.github/workflows/release.yaml) " +
				"packages it with --version and --app-version the tag, done here",
		}},
		Packaging: "the chart directory as it is at the tag, with its one dependency (Chart.lock: " +
			"bitwarden-sdk-server v0.6.0, disabled by default) packaged from that chart's own tag into charts/",
		SHA256: "117f0610e3806cf101720cf1367773d0cdea70640cbeaf17771562f4384e23bf",
	},
	{
		Chart: "karpenter", Version: "1.14.1", AppVersion: "1.14.1",
		Repository: "aws/karpenter-provider-aws", Tag: "v1.14.1",
		Commit: "bde00654cd316fddb3dccfba3f5ac07039865429", Path: "charts/karpenter",
		ExtraPaths: []string{"pkg/apis/crds"},
		SetVersion: true,
		ValuesEdits: [][2]string{
			{"    tag: 1.13.0\n", "    tag: 1.14.1\n"},
			{"    digest: sha256:ea731b0cd813add8b2947a76bfe861c38069d85922b01d0c1647d1466279b7fe\n", "    digest: \"\"\n"},
		},
		Packaging: "Chart.yaml at the tag says 1.13.0; the release script (hack/release/common.sh) sets " +
			"version and appVersion to 1.14.1 and writes the controller image's repository, tag and digest " +
			"into values.yaml: the tag 1.14.1 is written here, the digest (known only to the registry) is " +
			"emptied rather than left at 1.13.0's; crds/ are symlinks into pkg/apis/crds/, packaged as their targets",
		SHA256: "5e9ef7b84096d64bdfe48c69009995f16e46f515acb5475faab24ad155cd2377",
	},
	{
		Chart: "podinfo", Version: "6.14.1", AppVersion: "6.14.1",
		Repository: "stefanprodan/podinfo", Tag: "6.14.1",
		Commit: "eec06d1ea459af4cb4e10e806f8be7c7bd58b361", Path: "charts/podinfo",
		Packaging: "the chart directory as it is at the tag; used by helmReleases tests only " +
			"(serviceAccount.enabled and .name; no annotations)",
		SHA256: "fb93528e92165e0161cfb4d9a1d7a766ec31640b720ef53f3c5506f907ad7845",
	},
}
