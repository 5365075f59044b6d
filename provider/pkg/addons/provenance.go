package addons

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"strings"
)

// Where each add-on's pin and vendored files come from is data in the add-on's own
// file (its provenance value, referenced from its Addon); this file holds the types,
// the embedded files and the lists derived from the catalogue. policies/SOURCES.md
// records how each fact was verified (read at the upstream tag, with commits and
// dates); its tables of pins and vendored files are generated from these values
// (`make docs`, docs.go), and the tests check the vendored files' sha256.

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

// provenance is where an add-on's facts come from, kept beside the add-on (each
// add-on's file defines its value): the upstream release its pin and vendored files
// were read at, the files it vendors, and what upstream says about the Kubernetes
// versions the chart runs on.
type provenance struct {
	// upstream is the release tag of the chart's upstream git repository the pin (and
	// every vendored file) was read at; the Helm repository in Addon.Repository serves
	// the same chart version.
	upstream upstreamRelease
	// chartYAML is the path of the chart's Chart.yaml at that tag, where Version and
	// AppVersion were read; "" when that file is not where the pin comes from (Karpenter).
	chartYAML string
	// files are the files copied unchanged from upstream at that tag: IAM policies under
	// policies/, the chart's CRDs under crds/ (Addon.CRDFiles are those).
	files []vendoredFile
	// kube is upstream's word on the Kubernetes versions the pinned chart version runs
	// on; its Key, Chart and Version are the Addon's (kubeCompats fills them in).
	kube KubeCompat
	// otherKube are the facts of other chart versions of the add-on that the platform's
	// messages recommend (each with its Version).
	otherKube []KubeCompat
}

// upstreamRelease is a release tag of an upstream GitHub repository.
type upstreamRelease struct {
	// Repository is owner/name; Tag and Commit the release.
	Repository, Tag, Commit string
}

// vendoredFile is one file copied unchanged from an upstream repository.
type vendoredFile struct {
	// File is the path in this package: policies/<name>.json or crds/<name>.yaml.
	File string
	// Path is the file's path in the upstream repository at the release.
	Path string
	// SHA256 is the file's sha256, hex; TestVendoredFilesMatchTheirSHA256 recomputes it.
	SHA256 string
	// upstreamRelease is the add-on's (vendoredFiles fills it in).
	upstreamRelease
}

// charts are every chart the platform describes: the catalogue, then Karpenter's.
func charts() []Addon {
	return append(Catalogue(), KarpenterChartAddon())
}

// vendoredFiles are every file under policies/ and crds/ the code embeds, add-on by
// add-on in charts order, each with its add-on's upstream release.
func vendoredFiles() []vendoredFile {
	var out []vendoredFile
	for _, a := range charts() {
		for _, f := range a.sources.files {
			f.upstreamRelease = a.sources.upstream
			out = append(out, f)
		}
	}
	return out
}

// vendored returns a vendored file's bytes; it must be one of vendoredFiles.
func vendored(file string) (string, error) {
	for _, v := range vendoredFiles() {
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
