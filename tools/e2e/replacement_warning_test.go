package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The preview says which node groups a run replaces (issue 14, item 6): the platform
// compares each group's EKS name for this run with the names EKS runs
// (docs/upgrading.md, "Change a node group's instance types").

// engineOutput is what the engine printed for an operation: the Automation API's
// progress stream for a Go inline program, the program's standard error for the Node
// and Python programs.
func engineOutput(sum runner.Summary) string { return sum.Stdout + "\n" + sum.Stderr }

// replacementLine matches the warning for a group whose replacement the run plans,
// capturing the new EKS name.
func replacementLine(group, running, cause string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta("node group "+group+" will be replaced: ") + `(\S+-[0-9a-f]{8})` +
		regexp.QuoteMeta(" is created first, "+running+" deleted after its nodes drain; cause: "+cause+" changed"))
}

// requireNoNodeGroupWarning fails when an operation's output warns about a node group.
func requireNoNodeGroupWarning(t *testing.T, step string, sum runner.Summary) {
	t.Helper()
	if out := engineOutput(sum); regexp.MustCompile(`node group \S+ (will|may) be (replaced|deleted)`).MatchString(out) {
		t.Errorf("%s: a node group warning on a run that replaces none:\n%s", step, tailStr(out, 3000))
	}
}

// requireReplacementWarning fails unless the operation's output warns, once, that group
// (running as running) is replaced because of cause, and returns the new EKS name it names.
func requireReplacementWarning(t *testing.T, step string, sum runner.Summary, group, running, cause string) string {
	t.Helper()
	out := engineOutput(sum)
	m := replacementLine(group, running, cause).FindAllStringSubmatch(out, -1)
	if len(m) == 0 {
		t.Errorf("%s: no warning that node group %s (%s) will be replaced for %s:\n%s", step, group, running, cause, tailStr(out, 3000))
		return ""
	}
	for _, x := range m[1:] {
		if x[1] != m[0][1] {
			t.Errorf("%s: the warnings name two new EKS names, %s and %s", step, m[0][1], x[1])
		}
	}
	return m[0][1]
}

// langNodeGroupReplacement: the full platform of the language's test program (two node
// groups, Fargate, Helm add-ons). A no-op preview warns about no node group; a preview
// of new instance types for "general" warns that it will be replaced, naming the new
// EKS name and the running one, and plans that one replacement; the up replaces exactly
// that group, new first, under the name the preview gave (the running name's prefix with
// a new generation suffix), and warns the same, leaving "system" and the cluster as they
// were; a second up changes nothing and warns about nothing.
func langNodeGroupReplacement(t *testing.T, mk func(t *testing.T, ws *runner.Workspace, stack, variant string) procDriver) {
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	d := mk(t, ws, "resize", "resize")
	with := func(types string) procDriver {
		d.env = map[string]string{"E2E_GENERAL_INSTANCE_TYPES": types}
		return d
	}
	_, j, g := upStep(t, ctx, ws, with("t3.large,m5.large"), "base")
	requireFirstUpClean(t, "base", j, g)
	running := str(mustNode(t, g, tNodeGroup, child("ng-general")).Res.Inputs, "nodeGroupName")
	system := str(mustNode(t, g, tNodeGroup, child("ng-system")).Res.Inputs, "nodeGroupName")

	pre := previewStep(t, ctx, ws, with("t3.large,m5.large"), "no-op preview")
	requireNoNodeGroupWarning(t, "no-op preview", pre)
	if pre.Changed() != 0 {
		t.Errorf("no-op preview: want no change, got %s", pre)
	}

	pre = previewStep(t, ctx, ws, with("m5.large,m5a.large"), "preview of new instance types")
	planned := requireReplacementWarning(t, "preview of new instance types", pre, "general", running, "instanceTypes")
	if pre.Count("replace") != 1 {
		t.Errorf("preview of new instance types: want replace=1 (the group), got %s", pre)
	}
	if strings.Contains(engineOutput(pre), "node group system ") {
		t.Errorf("preview of new instance types: a warning about the unchanged group system:\n%s", tailStr(engineOutput(pre), 3000))
	}

	sum, j, g := upStep(t, ctx, ws, with("m5.large,m5a.large"), "new instance types")
	requireClean(t, "new instance types", j)
	requireClusterKept(t, "new instance types", j)
	requireMutations(t, "new instance types", j,
		mut("create", tNodeGroup, "ng-general"),
		mut("delete", tNodeGroup, "ng-general"))
	requireReplacedNewFirst(t, "new instance types", "new node group ACTIVE before the old one is deleted",
		j.Creates().Type(tNodeGroup).Entries, j.Deletes().Type(tNodeGroup).Entries)
	general := mustNode(t, g, tNodeGroup, child("ng-general"))
	if got := str(general.Res.Inputs, "nodeGroupName"); got != planned || got == running {
		t.Errorf("new instance types: the group runs as %q, the preview said %q would replace %q", got, planned, running)
	} else if got[:len(got)-8] != running[:len(running)-8] {
		t.Errorf("new instance types: EKS names %q → %q, want the same prefix and a new generation suffix", running, got)
	}
	if got := str(general.Res.Inputs, "instanceTypes"); got != `["m5.large","m5a.large"]` {
		t.Errorf("new instance types: node group instanceTypes %s, want [m5.large m5a.large]", got)
	}
	if got := str(mustNode(t, g, tNodeGroup, child("ng-system")).Res.Inputs, "nodeGroupName"); got != system {
		t.Errorf("new instance types: ng-system's EKS name moved from %q to %q", system, got)
	}
	if made := requireReplacementWarning(t, "new instance types", sum, "general", running, "instanceTypes"); made != planned {
		t.Errorf("new instance types: the up warned of %q, the preview of %q", made, planned)
	}

	requireNoChange(t, ctx, ws, with("m5.large,m5a.large"), "again")
	pre = previewStep(t, ctx, ws, with("m5.large,m5a.large"), "preview again")
	requireNoNodeGroupWarning(t, "preview again", pre)
}

// previewStep runs a preview that must succeed and touch nothing in the cloud.
func previewStep(t *testing.T, ctx context.Context, ws *runner.Workspace, d driver, step string) runner.Summary {
	t.Helper()
	n := readJournal(t, ws).Len()
	sum, err := d.preview(ctx)
	if err != nil {
		t.Fatalf("%s: %v", step, tailStr(err.Error(), 6000))
	}
	t.Logf("%s: %s", step, sum)
	requireMutations(t, step, readJournal(t, ws).Since(n))
	return sum
}

// TestTypeScriptNodeGroupReplacement: langNodeGroupReplacement from TypeScript
// (testdata/program.ts, variant resize).
func TestTypeScriptNodeGroupReplacement(t *testing.T) {
	t.Parallel()
	nodeProject(t)
	langNodeGroupReplacement(t, nodeDriver)
}

// TestPythonNodeGroupReplacement: langNodeGroupReplacement from Python
// (testdata/program.py, variant resize). TestGoUpgrades step c does it in Go.
func TestPythonNodeGroupReplacement(t *testing.T) {
	t.Parallel()
	pythonVenv(t)
	langNodeGroupReplacement(t, pythonDriver)
}

// TestGoNodeGroupPreviewWarnings: the preview's other two node group lines, end to end.
// A group moved onto a node role this run creates cannot have its new EKS name at
// preview (the role's ARN is unknown): the preview says it may be replaced, naming
// nodeRoleArn, and plans the replacement; the up replaces it new first and says why. A
// group removed from nodeGroups is announced as deleted, and is. A preview that
// replaces nothing says nothing about node groups.
func TestGoNodeGroupPreviewWarnings(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	ownRole := false
	groups := []string{"system", "general", "batch"}
	s, err := ws.GoStack(ctx, "e2e-ng-warnings", "dev", func(ctx *pulumi.Context) error {
		var role pulumi.StringInput
		if ownRole {
			r, err := iam.NewRole(ctx, "own-nodes", &iam.RoleArgs{
				Name:             pulumi.String("own-nodes"),
				AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
			})
			if err != nil {
				return err
			}
			role = r.Arn
		}
		var ngs eksplatform.NodeGroupArray
		for _, n := range groups {
			g := eksplatform.NodeGroupArgs{Name: pulumi.String(n), InstanceTypes: pulumi.StringArray{pulumi.String("m5.large")}}
			if n == "general" && role != nil {
				g.NodeRoleArn = role
			}
			ngs = append(ngs, g)
		}
		_, err := eksplatform.NewEksPlatform(ctx, component, &eksplatform.EksPlatformArgs{
			KubernetesVersion:  pulumi.String("1.36"),
			PublicSubnetIds:    pulumi.StringArray{pulumi.String(pub1), pulumi.String(pub2)},
			PrivateSubnetIds:   pulumi.StringArray{pulumi.String(priv1), pulumi.String(priv2)},
			AuthenticationMode: pulumi.String("API"),
			NodeGroups:         ngs,
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, j, g := upOnce(t, ctx, ws, s, "base")
	requireFirstUpClean(t, "base", j, g)
	general := str(mustNode(t, g, tNodeGroup, child("ng-general")).Res.Inputs, "nodeGroupName")
	batch := str(mustNode(t, g, tNodeGroup, child("ng-batch")).Res.Inputs, "nodeGroupName")
	preview := func(step string) runner.Summary {
		t.Helper()
		n := readJournal(t, ws).Len()
		sum, err := s.Preview(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		t.Logf("%s: %s", step, sum)
		requireMutations(t, step, readJournal(t, ws).Since(n))
		return sum
	}
	requireNoNodeGroupWarning(t, "no-op preview", preview("no-op preview"))

	// a. general on a role this run creates.
	ownRole = true
	step := "a. preview, new node role"
	pre := preview(step)
	if want := "node group general may be replaced: nodeRoleArn is not known until the update; if it changes, a new group is created first and " +
		general + " deleted after its nodes drain"; !strings.Contains(engineOutput(pre), want) {
		t.Errorf("%s: no warning %q:\n%s", step, want, tailStr(engineOutput(pre), 3000))
	}
	if pre.Count("replace") != 1 || strings.Contains(engineOutput(pre), "node group system ") || strings.Contains(engineOutput(pre), "node group batch ") {
		t.Errorf("%s: want replace=1 (general) and no word about system or batch, got %s:\n%s", step, pre, tailStr(engineOutput(pre), 3000))
	}
	step = "a. new node role"
	sum, j, g := upOnce(t, ctx, ws, s, step)
	requireClean(t, step, j)
	requireClusterKept(t, step, j)
	requireMutations(t, step, j,
		"create "+tRole+" own-nodes",
		mut("create", tNodeGroup, "ng-general"),
		mut("delete", tNodeGroup, "ng-general"))
	requireReplacedNewFirst(t, step, "new node group ACTIVE before the old one is deleted",
		j.Creates().Type(tNodeGroup).Entries, j.Deletes().Type(tNodeGroup).Entries)
	made := requireReplacementWarning(t, step, sum, "general", general, "nodeRoleArn")
	if got := str(mustNode(t, g, tNodeGroup, child("ng-general")).Res.Inputs, "nodeGroupName"); got != made {
		t.Errorf("%s: the group runs as %q, the up warned of %q", step, got, made)
	}

	// b. batch removed from nodeGroups.
	groups = []string{"system", "general"}
	step = "b. preview, batch removed"
	pre = preview(step)
	if want := "node group batch will be deleted: it is no longer in nodeGroups, so EKS node group " + batch +
		" is deleted after its nodes drain"; !strings.Contains(engineOutput(pre), want) {
		t.Errorf("%s: no warning %q:\n%s", step, want, tailStr(engineOutput(pre), 3000))
	}
	step = "b. batch removed"
	_, j, _ = upOnce(t, ctx, ws, s, step)
	requireClean(t, step, j)
	requireMutations(t, step, j,
		mut("delete", tNodeGroup, "ng-batch"),
		mut("delete", tLaunchTemplate, "ng-batch-lt"))

	requireNoNodeGroupWarning(t, "preview again", preview("preview again"))
	sum, j, _ = upOnce(t, ctx, ws, s, "again")
	if sum.Changed() != 0 {
		t.Errorf("again: want no changes, got %s", sum)
	}
	requireMutations(t, "again", j)
}
