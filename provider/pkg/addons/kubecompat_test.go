package addons

import (
	"strings"
	"testing"
)

// Every chart version the platform installs by default has its facts: each catalogue
// pin and the Karpenter pin, under the chart name the release uses, read at the tag
// the add-on's provenance names for the pin.
func TestKubeCompatsCoverEveryPin(t *testing.T) {
	for _, a := range Catalogue() {
		k, ok := KubeCompats.For(a.Key, a.Version)
		if !ok {
			t.Errorf("%s: no KubeCompats entry for the pin %s", a.Key, a.Version)
			continue
		}
		if k.Chart != a.Chart || k.Version != a.Version {
			t.Errorf("%s: entry for chart %s %s, the pin is %s %s", a.Key, k.Chart, k.Version, a.Chart, a.Version)
		}
		src := a.sources
		if want := src.upstream.Repository + "@" + src.upstream.Tag + ":" + src.chartYAML; !strings.HasPrefix(k.KubeVersionSource, want) {
			t.Errorf("%s: kubeVersion read at %q, the pin's Chart.yaml is %s", a.Key, k.KubeVersionSource, want)
		}
	}
	k, ok := KubeCompats.ForChart("karpenter", KarpenterVersion)
	if !ok || k.Key != "karpenter" || !strings.HasSuffix(KarpenterChart, "/"+k.Chart) {
		t.Errorf("Karpenter %s: entry %+v (chart %s)", KarpenterVersion, k, KarpenterChart)
	}
}

// Each entry is complete and its constraint is of the one form the platform evaluates
// (tools/simcloud checks that evaluation against Helm's semver library).
func TestKubeCompatEntriesAreComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range KubeCompats {
		id := k.Key + " " + k.Version
		if seen[id] {
			t.Errorf("%s: listed twice", id)
		}
		seen[id] = true
		if k.Chart == "" || k.KubeVersionSource == "" || k.SupportedSource == "" {
			t.Errorf("%s: chart, kubeVersion source and supported source are all required: %+v", id, k)
		}
		if _, ok := k.kubeVersionMinMinor(); k.KubeVersion != "" && !ok {
			t.Errorf("%s: kubeVersion %q is not of the form >= 1.N.0-0; add its Helm semantics to AdmitsMinor", id, k.KubeVersion)
		}
		if lowest, ok := k.kubeVersionMinMinor(); ok && k.MinMinor < lowest {
			t.Errorf("%s: documented from 1.%d, below its kubeVersion %s", id, k.MinMinor, k.KubeVersion)
		}
		if k.MinMinor <= 0 || (k.MaxMinor != 0 && k.MaxMinor < k.MinMinor) {
			t.Errorf("%s: range %d..%d", id, k.MinMinor, k.MaxMinor)
		}
		if (len(k.TestedMinors) == 0) != (k.TestedSource == "") {
			t.Errorf("%s: tested minors %v with source %q", id, k.TestedMinors, k.TestedSource)
		}
	}
}

func TestKubeCompatRules(t *testing.T) {
	cm, _ := KubeCompats.For("certManager", "1.21.1") // without the "v"
	if cm.Version != "v1.21.1" {
		t.Fatalf("For without the v: %+v", cm)
	}
	for _, tc := range []struct {
		minor                  int
		admits, supports, fits bool
	}{
		{21, false, false, false},
		{22, true, false, false},
		{32, true, false, false},
		{33, true, true, true},
		{36, true, true, true},
		{37, true, false, false},
	} {
		if got := cm.AdmitsMinor(tc.minor); got != tc.admits {
			t.Errorf("cert-manager v1.21.1 admits 1.%d: %v", tc.minor, got)
		}
		if got := cm.Supports(tc.minor); got != tc.supports {
			t.Errorf("cert-manager v1.21.1 supports 1.%d: %v", tc.minor, got)
		}
		if got := cm.Fits(tc.minor); got != tc.fits {
			t.Errorf("cert-manager v1.21.1 fits 1.%d: %v", tc.minor, got)
		}
	}
	if cm.SupportedRange() != "1.33 to 1.36" || !cm.Tested(32) {
		t.Errorf("cert-manager range %q, tested(32) %v (no tested list: every minor)", cm.SupportedRange(), cm.Tested(32))
	}
	ms, _ := KubeCompats.For("metricsServer", "3.13.1")
	if !ms.AdmitsMinor(1) || ms.Supports(30) || !ms.Supports(99) || ms.SupportedRange() != "1.31 and newer" {
		t.Errorf("metrics-server (no kubeVersion, 1.31+): admits 1.1 %v, supports 1.30 %v, 1.99 %v, range %q",
			ms.AdmitsMinor(1), ms.Supports(30), ms.Supports(99), ms.SupportedRange())
	}
	eso, _ := KubeCompats.For("externalSecrets", "2.9.0")
	if eso.Tested(35) || !eso.Tested(36) || !eso.Supports(35) || eso.TestedRange() != "1.36" {
		t.Errorf("external-secrets: tested 1.35 %v, 1.36 %v, supports 1.35 %v, tested range %q", eso.Tested(35), eso.Tested(36), eso.Supports(35), eso.TestedRange())
	}
	if _, ok := KubeCompats.For("certManager", "v1.19.0"); ok {
		t.Error("a version the table does not hold was found")
	}
	if got := len(KubeCompats.Versions("certManager")); got != 2 {
		t.Errorf("cert-manager versions: %d, want the pin and v1.20.3", got)
	}
}
