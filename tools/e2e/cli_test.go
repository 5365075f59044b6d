package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
)

// secretCLIValue is what the CLI test gives the example's secret config
// (costCenter); it must never appear in plain text in the stack's files.
const secretCLIValue = "cc-e2e-cli-5b1f9d"

// yamlPlatform is what examples/yaml builds: one SPOT node group, the
// default EKS add-ons, the ALB controller and ExternalDNS, the caller and the
// team role as admins, every resource tagged with the project, the stack and
// the secret cost center.
func yamlPlatform(project, stack string) expect {
	return expect{
		nodeGroups:    1,
		addons:        append(append([]string{}, preNodeAddons...), "coredns"),
		releases:      []string{"aws-load-balancer-controller", "external-dns"},
		accessEntries: 2,
		clusterTags:   map[string]string{"project": project, "stack": stack, "costCenter": secretCLIValue},
		// The one node group, untainted, runs coredns and the releases.
		runsOn: map[string]string{"coredns": "ng-dev", "aws-load-balancer-controller": "ng-dev", "external-dns": "ng-dev"},
	}
}

// TestCLI: the Pulumi YAML example, examples/yaml, through the real command
// line, as a user runs it — bin/pulumi with the YAML language host
// (bin/pulumi-language-yaml, `make tools`), the component plugin and the
// simulated cloud on PATH, no Automation API: login to a file backend, stack
// init, config set (one value --secret), preview, up, a second up that must
// change nothing, the kubeconfig output, the exported state (the secret only as
// ciphertext), refresh and destroy.
func TestCLI(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	if err := ws.RequireBinary(runner.YAMLHost); err != nil {
		t.Fatal(err)
	}
	ex := loadExample(t, "yaml")
	secretKey := exampleSecretKey(t, ex)
	p, err := ws.CopyProject(ex.dir, ex.project)
	if err != nil {
		t.Fatal(err)
	}
	const stack = "dev"
	must := func(args ...string) runner.CLIRun {
		t.Helper()
		r := p.Pulumi(ctx, args...)
		if r.Err != nil {
			t.Fatal(r.Failure())
		}
		return r
	}

	// Set up as the example's README says.
	must("login", "file://"+ws.Backend)
	if who := must("whoami", "--verbose").Stdout; !strings.Contains(who, ws.Backend) {
		t.Errorf("pulumi whoami after login: want the file backend %s, got\n%s", ws.Backend, who)
	}
	must("stack", "init", stack)
	must("config", "set", "aws:region", ws.Region)
	ks := keys(ex.config)
	for _, k := range ks {
		must("config", "set", "--path", k, ex.config[k])
	}
	must("config", "set", "--secret", secretKey, secretCLIValue)
	checkStackSettings(t, filepath.Join(p.Dir, "Pulumi."+stack+".yaml"), ex.project+":"+secretKey)

	// preview: what up will create, and nothing done in the cloud.
	n := ws.JournalLen()
	prev := must("preview", "--json")
	var pj struct {
		ChangeSummary map[string]int `json:"changeSummary"`
	}
	if err := json.Unmarshal([]byte(prev.Stdout), &pj); err != nil {
		t.Fatalf("pulumi preview --json: %v\n%s", err, tailStr(prev.Stdout, 3000))
	}
	t.Logf("preview: %v (%s)", pj.ChangeSummary, prev.Elapsed.Round(1e6))
	if pj.ChangeSummary["create"] == 0 {
		t.Errorf("preview of a new stack: want creates, got %v", pj.ChangeSummary)
	}
	requireNoMutations(t, ws, n, "preview")

	// up: everything created once, in order.
	up := must("up", "--yes", "--parallel", "32")
	sum := lastUpdate(t, p, "update", up)
	t.Logf("%s", sum)
	if sum.Changed() != sum.Count("create") || sum.Count("create") == 0 {
		t.Errorf("first up: want only creates, got %s", sum)
	}
	if sum.Count("create") != pj.ChangeSummary["create"] {
		t.Errorf("up created %d resources, preview said %d", sum.Count("create"), pj.ChangeSummary["create"])
	}
	upJ := readJournal(t, ws)
	g := exportGraph(t, must("stack", "export", "--show-secrets").Stdout)
	checkUp(t, upJ, g, yamlPlatform(ex.project, stack))
	stored, err := ws.StoredDeployment(ex.project, stack)
	if err != nil {
		t.Fatalf("stored state: %v", err)
	}
	outputs := cliOutputs(t, must("stack", "output", "--json").Stdout)
	checkSecretKubeconfig(t, outputs, stored)

	// A second up changes nothing, in the state or the cloud.
	n = ws.JournalLen()
	up2 := must("up", "--yes", "--expect-no-changes")
	sum2 := lastUpdate(t, p, "update", up2)
	t.Logf("second %s", sum2)
	if sum2.Changed() != 0 || sum2.Count("same") != sum.Count("create") {
		t.Errorf("second up: want all %d resources unchanged, got %s", sum.Count("create"), sum2)
	}
	requireNoMutations(t, ws, n, "second up")

	// The kubeconfig, as a user reads it.
	clusterName, _ := outputs["clusterName"].Value.(string)
	endpoint, _ := outputs["clusterEndpoint"].Value.(string)
	checkKubeconfig(t, must("stack", "output", "kubeconfig", "--show-secrets").Stdout, clusterName, endpoint)
	if c := g.OfType(tCluster); len(c) == 1 && str(c[0].Res.Outputs, "name") != clusterName {
		t.Errorf("stack output clusterName %q is not the cluster's name %q", clusterName, str(c[0].Res.Outputs, "name"))
	}
	if want := "team-" + stack; clusterName != want {
		t.Errorf("stack output clusterName = %q, want %q (clusterName: team-${pulumi.stack})", clusterName, want)
	}

	// `pulumi stack export` holds the secret config's value only as ciphertext.
	checkExportedSecret(t, must("stack", "export").Stdout, secretCLIValue)

	// refresh: the simulated cloud agrees with the state.
	n = ws.JournalLen()
	ref := must("refresh", "--yes")
	rsum := lastUpdate(t, p, "refresh", ref)
	t.Logf("%s", rsum)
	if rsum.Changed() != 0 {
		t.Errorf("refresh after up: want no changes, got %s", rsum)
	}
	requireNoMutations(t, ws, n, "refresh")

	// destroy: everything deleted, dependents first, nothing left.
	n = ws.JournalLen()
	des := must("destroy", "--yes")
	dsum := lastUpdate(t, p, "destroy", des)
	t.Logf("%s", dsum)
	if dsum.Count("delete") != sum.Count("create") || dsum.Changed() != dsum.Count("delete") {
		t.Errorf("destroy: want all %d resources deleted, got %s", sum.Count("create"), dsum)
	}
	j := readJournal(t, ws)
	if j.Since(n).Deletes().Len() == 0 {
		t.Errorf("destroy deleted nothing in the cloud")
	}
	checkDestroy(t, j, j.Since(n), g)
	for _, nd := range exportGraph(t, must("stack", "export").Stdout).Nodes {
		if nd.Simulated() {
			t.Errorf("after destroy the state still holds %s %s", nd.Type, nd.Name)
		}
	}
}

// exampleSecretKey is the one config key examples/yaml's Pulumi.yaml declares
// `secret: true`.
func exampleSecretKey(t *testing.T, ex example) string {
	t.Helper()
	var proj struct {
		Config map[string]struct {
			Secret bool `yaml:"secret"`
		} `yaml:"config"`
	}
	readYAML(t, filepath.Join(ex.dir, "Pulumi.yaml"), &proj)
	var secret []string
	for k, v := range proj.Config {
		if v.Secret {
			secret = append(secret, k)
		}
	}
	sort.Strings(secret)
	if len(secret) != 1 {
		t.Fatalf("%s: want one config key declared secret: true, got %v", filepath.Join(ex.dir, "Pulumi.yaml"), secret)
	}
	return secret[0]
}

// checkStackSettings asserts the stack settings file holds key as a `secure:`
// value and the secret nowhere in plain text.
func checkStackSettings(t *testing.T, path, key string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), secretCLIValue) {
		t.Errorf("%s holds the secret in plain text", path)
	}
	var st struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(b, &st); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	v, _ := st.Config[key].(map[string]any)
	if s, _ := v["secure"].(string); !strings.HasPrefix(s, "v1:") {
		t.Errorf("%s: %s = %v, want {secure: v1:...}", path, key, st.Config[key])
	}
}

func requireNoMutations(t *testing.T, ws *runner.Workspace, since int, step string) {
	t.Helper()
	for _, e := range readJournal(t, ws).Since(since).Mutations().Entries {
		t.Errorf("%s touched the cloud: %s", step, journal.Label(e))
	}
}

// lastUpdate reads what the command r just did from the stack's history.
func lastUpdate(t *testing.T, p *runner.CLIProject, kind string, r runner.CLIRun) runner.Summary {
	t.Helper()
	u, err := p.LastUpdate(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if u.Kind != kind || u.Result != "succeeded" {
		t.Fatalf("pulumi %s: the stack history's last entry is a %s that %s, want a %s that succeeded\n%s",
			strings.Join(r.Args, " "), u.Kind, u.Result, kind, tailStr(r.Stdout, 3000))
	}
	op := map[string]string{"update": "up"}[kind]
	if op == "" {
		op = kind
	}
	return u.Summary(op, r.Elapsed, r.Stdout)
}

func exportGraph(t *testing.T, out string) *journal.Graph {
	t.Helper()
	g, err := journal.ParseExport([]byte(out))
	if err != nil {
		t.Fatalf("pulumi stack export: %v", err)
	}
	return g
}

// cliOutputs reads `pulumi stack output --json` (secrets shown as "[secret]").
func cliOutputs(t *testing.T, out string) map[string]runner.Output {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("pulumi stack output --json: %v\n%s", err, out)
	}
	res := map[string]runner.Output{}
	for k, v := range m {
		res[k] = runner.Output{Value: v, Secret: v == "[secret]"}
	}
	return res
}

// checkKubeconfig asserts out is a kubeconfig for the cluster: its server is the
// endpoint and its user gets a token for the cluster by name.
func checkKubeconfig(t *testing.T, out, clusterName, endpoint string) {
	t.Helper()
	var kc struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Clusters   []struct {
			Name    string `yaml:"name"`
			Cluster struct {
				Server string `yaml:"server"`
				CA     string `yaml:"certificate-authority-data"`
			} `yaml:"cluster"`
		} `yaml:"clusters"`
		CurrentContext string `yaml:"current-context"`
		Users          []struct {
			User struct {
				Exec struct {
					Command string   `yaml:"command"`
					Args    []string `yaml:"args"`
				} `yaml:"exec"`
			} `yaml:"user"`
		} `yaml:"users"`
	}
	if err := yaml.Unmarshal([]byte(out), &kc); err != nil {
		t.Fatalf("pulumi stack output kubeconfig --show-secrets is not a kubeconfig: %v\n%s", err, tailStr(out, 2000))
	}
	if kc.Kind != "Config" || kc.APIVersion != "v1" || len(kc.Clusters) != 1 || len(kc.Users) != 1 || kc.CurrentContext == "" {
		t.Fatalf("kubeconfig: want a v1 Config with one cluster, one user and a current context, got\n%s", tailStr(out, 2000))
	}
	if c := kc.Clusters[0].Cluster; endpoint == "" || c.Server != endpoint || c.CA == "" {
		t.Errorf("kubeconfig cluster: server %q (want the clusterEndpoint output %q), CA data %d bytes", c.Server, endpoint, len(c.CA))
	}
	args := strings.Join(kc.Users[0].User.Exec.Args, " ")
	if clusterName == "" || !strings.Contains(" "+args+" ", " --cluster-name "+clusterName+" ") {
		t.Errorf("kubeconfig user: want `aws eks get-token --cluster-name %s`, got %s %s", clusterName, kc.Users[0].User.Exec.Command, args)
	}
}

// checkExportedSecret asserts `pulumi stack export` (without --show-secrets)
// never holds plain and holds the cluster's tags as ciphertext.
func checkExportedSecret(t *testing.T, out, plain string) {
	t.Helper()
	if n := strings.Count(out, plain); n > 0 {
		t.Errorf("pulumi stack export holds the secret config value in plain text %d times", n)
	}
	var exp struct {
		Deployment struct {
			Resources []struct {
				Type   string         `json:"type"`
				Inputs map[string]any `json:"inputs"`
			} `json:"resources"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal([]byte(out), &exp); err != nil {
		t.Fatalf("pulumi stack export: %v", err)
	}
	found := 0
	for _, r := range exp.Deployment.Resources {
		if r.Type != tCluster {
			continue
		}
		found++
		tags, _ := r.Inputs["tags"].(map[string]any)
		if tags[secretSig] != nil && tags["ciphertext"] != nil {
			continue // the whole tag map is one secret
		}
		v, _ := tags["costCenter"].(map[string]any)
		if v[secretSig] == nil || v["ciphertext"] == nil {
			t.Errorf("exported cluster inputs: tag costCenter is %s, want a secret with ciphertext", fmt.Sprint(tags["costCenter"]))
		}
	}
	if found != 1 {
		t.Errorf("exported state: want one cluster, found %d", found)
	}
}
