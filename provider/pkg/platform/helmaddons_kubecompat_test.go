package platform

import (
	"slices"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/clock"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// kubeCompatExceptions are the (add-on, minor) pairs where a pin does not fit a minor
// the platform accepts, each refused at validation (TestCertManagerPinRefusedOn132).
var kubeCompatExceptions = map[string]bool{
	// cert-manager 1.21 is supported on 1.33 → 1.36; 1.20 (v1.20.3) covers 1.32.
	"certManager 1.32": true,
}

// For every Kubernetes version the platform accepts, every chart it pins fits (Helm
// installs it and upstream documents it there), but for the exceptions above. A new
// accepted minor, or a new pin, fails here until its facts are read.
func TestEveryPinFitsEveryAcceptedMinor(t *testing.T) {
	pins := map[string]string{"karpenter": addons.KarpenterVersion}
	for _, a := range addons.Catalogue() {
		pins[a.Key] = a.Version
	}
	for key, version := range pins {
		k, ok := addons.KubeCompats.For(key, version)
		if !ok {
			t.Errorf("%s %s: no facts", key, version)
			continue
		}
		for _, v := range acceptedVersions(clock.Today()) {
			m, _ := minorOf(v)
			if fits, excepted := k.Fits(m), kubeCompatExceptions[key+" "+v]; fits == excepted {
				t.Errorf("%s %s on %s: fits %v, listed as an exception %v", key, version, v, fits, excepted)
			}
		}
	}
}

// certManagerOn is a platform with only cert-manager, on a Kubernetes version (1.32 to
// 1.34 in extended support on the pinned day).
func certManagerOn(kube string, version pulumi.StringInput) *Args {
	args := withAddons(&HelmAddonsArgs{CertManager: &CertManagerAddonArgs{Enabled: pulumi.Bool(true), Version: version}})
	args.KubernetesVersion = pulumi.String(kube)
	if kube == "1.32" || kube == "1.33" || kube == "1.34" {
		args.UpgradePolicy = pulumi.String("EXTENDED")
	}
	return args
}

func TestCertManagerPinRefusedOn132(t *testing.T) {
	requireInvalid(t, certManagerOn("1.32", nil),
		"kubernetesVersion: chart cert-manager v1.21.1 (addons.certManager, the platform's pin) is documented for Kubernetes 1.33 to 1.36 (cert-manager/website@",
		"not 1.32; set kubernetesVersion to one it fits (1.33, 1.34, 1.35, 1.36; EKS moves one minor per run), set addons.certManager.version to v1.20.3 (Kubernetes 1.32 to 1.35), or disable addons.certManager")
	// The version it names fits: installed as given (its CRDs by Helm: not the pin's).
	m, _ := deploy(t, "demo", certManagerOn("1.32", pulumi.String("v1.20.3")))
	if got := str(m.Find(t, "demo-cert-manager"), "version"); got != "v1.20.3" {
		t.Errorf("cert-manager chart %q, want v1.20.3", got)
	}
	// Every minor from 1.33 takes the pin.
	for _, v := range []string{"1.33", "1.34", "1.35", "1.36"} {
		deploy(t, "demo", certManagerOn(v, nil))
	}
}

func TestGivenChartVersionCheckedAgainstTheMinor(t *testing.T) {
	requireInvalid(t, certManagerOn("1.36", pulumi.String("v1.20.3")),
		"addons.certManager.version: chart cert-manager v1.20.3 is documented for Kubernetes 1.32 to 1.35",
		"not 1.36; remove addons.certManager.version to install the platform's pin v1.21.1 (Kubernetes 1.33 to 1.36), or disable addons.certManager")
	// Without the "v", the same version.
	requireInvalid(t, certManagerOn("1.36", pulumi.String("1.20.3")), "addons.certManager.version: chart cert-manager 1.20.3 is documented")
}

// A version the table does not know is installed, with a warning that says it was not
// checked (never that it was).
func TestUnknownChartVersionWarnsNotChecked(t *testing.T) {
	a := &HelmAddonsArgs{MetricsServer: &HelmAddonArgs{Enabled: pulumi.Bool(true), Version: pulumi.String("3.12.2")}}
	cfg, err := resolve(false, "demo", withAddons(a))
	if err != nil {
		t.Fatal(err)
	}
	want := "addons.metricsServer.version: chart metrics-server 3.12.2 is not a version the platform has Kubernetes compatibility facts for (it has 3.13.1), so it was not checked against Kubernetes 1.36; Helm refuses the install if the chart's kubeVersion excludes the cluster's version"
	if len(cfg.Warnings) != 1 || !strings.HasPrefix(cfg.Warnings[0], want) {
		t.Errorf("warnings %q, want one starting %q", cfg.Warnings, want)
	}
	// The pins warn of nothing on the default version.
	if cfg, err := resolve(false, "demo", withAddons(allAddons())); err != nil || len(cfg.Warnings) != 0 {
		t.Errorf("every add-on on its pin: err %v, warnings %q", err, cfg.Warnings)
	}
}

// external-secrets documents only the version its tests run on: elsewhere a warning,
// and the chart (kubeVersion >= 1.19.0-0) installs.
func TestExternalSecretsTestedOnlyWarns(t *testing.T) {
	a := allAddons()
	a.ClusterAutoscaler = nil
	for v, warned := range map[string]bool{"1.34": true, "1.35": true, "1.36": false} {
		args := withAddons(a)
		args.KubernetesVersion = pulumi.String(v)
		args.UpgradePolicy = pulumi.String("EXTENDED") // 1.34 is past standard support on the pinned day
		cfg, err := resolve(false, "demo", args)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		got := slices.ContainsFunc(cfg.Warnings, func(w string) bool {
			return strings.HasPrefix(w, "addons.externalSecrets: chart external-secrets 2.9.0 is tested upstream on Kubernetes 1.36 only, not "+v)
		})
		if got != warned || len(cfg.Warnings) > 1 {
			t.Errorf("%s: warnings %q, want the tested-only warning: %v", v, cfg.Warnings, warned)
		}
	}
}

// At preview an unknown kubernetesVersion or chart version is not checked (and not
// passed as the default either); the update, where both are known, refuses.
func TestChartKubeCompatUnknownAtPreview(t *testing.T) {
	unknownStr := func(v string) pulumi.StringOutput {
		return pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) string { return v }).(pulumi.StringOutput)
	}
	kube := certManagerOn("1.32", nil)
	kube.KubernetesVersion = unknownStr("1.32")
	if _, err := resolve(true, "demo", kube); err != nil {
		t.Errorf("preview, kubernetesVersion unknown: %v", err)
	}
	version := certManagerOn("1.36", unknownStr("v1.20.3"))
	cfg, err := resolve(true, "demo", version)
	if err != nil || len(cfg.Warnings) != 0 {
		t.Errorf("preview, version unknown: err %v, warnings %q (want neither: it is not known yet)", err, cfg.Warnings)
	}
	if _, err := resolve(false, "demo", certManagerOn("1.36", pulumi.String("v1.20.3").ToStringOutput())); err == nil ||
		!strings.Contains(err.Error(), "addons.certManager.version: chart cert-manager v1.20.3 is documented for Kubernetes 1.32 to 1.35") {
		t.Errorf("update, the version an Output: %v", err)
	}
}

// The rules on tables other than today's facts: a kubeVersion that excludes the minor
// (Helm would refuse the install) and Karpenter's pin outside its documented range are
// refused, naming the input and the way out.
func TestChartKubeCompatRules(t *testing.T) {
	table := slices.Clone(addons.KubeCompats)
	for i, k := range table {
		switch k.Key + " " + k.Version {
		case "metricsServer 3.13.1":
			table[i].KubeVersion = ">= 1.37.0-0"
		case "karpenter " + addons.KarpenterVersion:
			table[i].MaxMinor = 35
		}
	}
	args := karpenterArgs()
	args.Addons.MetricsServer = &HelmAddonArgs{Enabled: pulumi.Bool(true)}
	cfg, err := resolve(false, "demo", args)
	if err != nil {
		t.Fatal(err)
	}
	p := &problems{}
	checkChartKubeCompat(p, cfg, table)
	want := []string{
		"kubernetesVersion: chart metrics-server 3.13.1 (addons.metricsServer, the platform's pin) requires kubeVersion >= 1.37.0-0 (kubernetes-sigs/metrics-server@metrics-server-helm-chart-3.13.1:charts/metrics-server/Chart.yaml (no kubeVersion)), which excludes Kubernetes 1.36, so Helm would refuse to install it; or disable addons.metricsServer",
		"kubernetesVersion: chart karpenter " + addons.KarpenterVersion + " (karpenter, the platform's pin) is documented for Kubernetes 1.26 to 1.35",
		"not 1.36; set kubernetesVersion to one it fits (1.32, 1.33, 1.34, 1.35; EKS moves one minor per run), or disable karpenter",
	}
	got := strings.Join(p.list, "\n")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("problems lack %q:\n%s", w, got)
		}
	}
	if len(p.list) != 2 {
		t.Errorf("%d problems, want 2:\n%s", len(p.list), got)
	}
}
