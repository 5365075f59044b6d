package addons

import (
	"fmt"
	"strings"
)

// The catalogue's pages are generated from the add-ons' own values, so a pin, a
// vendored file or a Kubernetes fact is written once, in the add-on's file:
// docs/catalogue.md whole, and the tables of policies/SOURCES.md between its
// generated markers (the rest of that file is the hand-written record of how each fact
// was verified). `make docs` (tools/cmd/gendocs) writes them; the tests here and in
// gendocs fail when a committed copy differs.

// CatalogueFile and SourcesFile are the generated files' paths in the repository.
const (
	CatalogueFile = "docs/catalogue.md"
	SourcesFile   = "provider/pkg/addons/policies/SOURCES.md"
)

// CatalogueMarkdown is docs/catalogue.md: one row per catalogue add-on, in catalogue
// order.
func CatalogueMarkdown() string {
	var b strings.Builder
	b.WriteString("# Helm add-on catalogue\n\n")
	b.WriteString("<!-- Generated from provider/pkg/addons by `make docs` (tools/cmd/gendocs). Do not edit: CI fails when this file is stale. -->\n\n")
	b.WriteString("The Helm add-ons the platform installs under `addons`, each described by one file of\n" +
		"[`provider/pkg/addons`](../provider/pkg/addons) (its chart, pinned version, namespace,\n" +
		"IAM policy, chart values and the upstream facts below); how they are configured,\n" +
		"installed and ordered is in [reference.md](reference.md#helm-add-ons), every input in\n" +
		"[inputs.md](inputs.md). Where each pin and vendored file was read, and how it was\n" +
		"verified, is [`policies/SOURCES.md`](../provider/pkg/addons/policies/SOURCES.md).\n\n")
	b.WriteString("| add-on (`addons.<key>`) | chart (official repository) | version (app) | namespace | identity | Kubernetes versions upstream documents | what it may do in AWS |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, a := range Catalogue() {
		fmt.Fprintf(&b, "| `%s` | `%s` (`%s`) | %s (%s) | %s | %s | %s | %s |\n",
			a.Key, a.Chart, a.Repository, a.Version, a.AppVersion, a.Namespace, identityCell(a), kubeCell(a), a.Summary)
	}
	return b.String()
}

// identityCell says how the add-on gets AWS credentials.
func identityCell(a Addon) string {
	switch {
	case !a.HasRole():
		return "none"
	case a.WantsRole != nil:
		return fmt.Sprintf("`%s` (default) or `%s`, when it has a role", IRSA, PodIdentity)
	default:
		return fmt.Sprintf("`%s` (default) or `%s`", IRSA, PodIdentity)
	}
}

// kubeCell is the documented range of the pin, and the tested minors where upstream
// lists only those.
func kubeCell(a Addon) string {
	k, _ := KubeCompats.For(a.Key, a.Version)
	if len(k.TestedMinors) > 0 {
		return fmt.Sprintf("%s (tested on %s only)", k.SupportedRange(), k.TestedRange())
	}
	return k.SupportedRange()
}

// SourcesMarkdown is current (policies/SOURCES.md) with the text between each pair of
// generated markers replaced by the table the add-ons' values give.
func SourcesMarkdown(current string) (string, error) {
	out := current
	for _, s := range []struct{ name, table string }{
		{"chart pins", pinsTable()},
		{"vendored files", vendoredTable()},
	} {
		begin := "<!-- BEGIN GENERATED " + s.name + ": `make docs` writes this table from each add-on's provenance; do not edit it here -->\n"
		end := "<!-- END GENERATED " + s.name + " -->\n"
		i := strings.Index(out, begin)
		j := strings.Index(out, end)
		if i < 0 || j < i {
			return "", fmt.Errorf("%s: no %q ... %q markers", SourcesFile, strings.TrimSpace(begin), strings.TrimSpace(end))
		}
		out = out[:i+len(begin)] + s.table + out[j:]
	}
	return out, nil
}

// pinsTable lists where each chart version the platform installs was read.
func pinsTable() string {
	var b strings.Builder
	b.WriteString("| add-on | chart | version (app) | repository | tag (commit) | Chart.yaml at that tag |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, a := range charts() {
		chartYAML := "— (stale at the tag: see \"Karpenter\" below)"
		if a.sources.chartYAML != "" {
			chartYAML = "`" + a.sources.chartYAML + "`"
		}
		u := a.sources.upstream
		fmt.Fprintf(&b, "| `%s` | `%s` | %s (%s) | %s | `%s` (`%s`) | %s |\n",
			a.Key, a.Chart, a.Version, a.AppVersion, u.Repository, u.Tag, u.Commit, chartYAML)
	}
	return b.String()
}

// vendoredTable lists every vendored file with its upstream release, path and sha256.
func vendoredTable() string {
	var b strings.Builder
	b.WriteString("| file | repository | tag (commit) | path at that tag | sha256 |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, v := range vendoredFiles() {
		fmt.Fprintf(&b, "| `%s` | %s | `%s` (`%s`) | `%s` | `%s` |\n", v.File, v.Repository, v.Tag, v.Commit, v.Path, v.SHA256)
	}
	return b.String()
}
