package e2e

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/eksplatform/pulumi-eksplatform/tools/simcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Blue/green in one VPC (SCENARIOS #13). The simulated cloud keeps EC2 tags as EC2 does
// (simcloud/ec2tags.go): one value per key and subnet, whoever wrote it; pulumi-aws's
// Tag delete is DeleteTags with the key and the value it wrote.

const (
	roleELB         = "kubernetes.io/role/elb"
	roleInternalELB = "kubernetes.io/role/internal-elb"
)

// cloudTags is what DescribeTags shows for the subnets now.
func cloudTags(t *testing.T, ws *runner.Workspace) map[string]map[string]string {
	t.Helper()
	tags, err := simcloud.Tags(ws.Journal)
	if err != nil {
		t.Fatal(err)
	}
	return tags
}

// discoverable lists the subnets a load balancer controller finds for a role: the
// AWS Load Balancer Controller (and EKS's built-in one) take a subnet whose role tag is
// present with the value "1" or "" — without it, a Service or Ingress gets no load balancer
// ("unable to resolve at least one subnet").
func discoverable(tags map[string]map[string]string, role string) []string {
	var out []string
	for id, kv := range tags {
		if v, ok := kv[role]; ok && (v == "1" || v == "") {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// clusterTagged lists the subnets tagged for cluster name.
func clusterTagged(tags map[string]map[string]string, name string) []string {
	var out []string
	for id, kv := range tags {
		if _, ok := kv["kubernetes.io/cluster/"+name]; ok {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func requireSubnets(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}

// TestPythonSharedSubnets: two platforms with default inputs in the same subnets, from
// Python. Destroying blue leaves green's load balancers their subnets: the role tags stay
// in the cloud, green's refresh finds its state as it was and its preview changes
// nothing; blue's cluster tag is gone. One private subnet carried the internal-elb tag
// before any platform (the VPC module's, value ""), and later someone else sets another
// one to "": destroying both platforms deletes neither, nor any role tag, and green never
// writes "1" back over a value someone else gave.
func TestPythonSharedSubnets(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	pythonVenv(t)
	driftFile := filepath.Join(t.TempDir(), "drift.json")
	ws := newWorkspace(t, runner.Options{Env: map[string]string{"SIMCLOUD_DRIFT": driftFile}})
	platform := func(name string) procDriver {
		d := pythonDriver(t, ws, name, "shared-subnets")
		d.env = map[string]string{"E2E_PLATFORM": name}
		return d
	}
	blue, green := platform("blue"), platform("green")
	public, private := []string{pub1, pub2}, []string{priv1, priv2}

	if err := simcloud.WriteDrift(driftFile, simcloud.Drift{Tag: []simcloud.TagDrift{
		{ResourceID: priv1, Key: roleInternalELB, Value: ""}, // the VPC module's
	}}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, d := range []procDriver{blue, green} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := d.up(ctx); err != nil {
				t.Errorf("%s: up: %v", d.stack, err)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	tags := cloudTags(t, ws)
	all := []string{pub1, pub2, priv1, priv2}
	sort.Strings(all)
	requireSubnets(t, "after both ups, subnets tagged for blue", clusterTagged(tags, "blue"), all)
	requireSubnets(t, "after both ups, subnets tagged for green", clusterTagged(tags, "green"), all)
	requireSubnets(t, "after both ups, public subnets found by the controllers", discoverable(tags, roleELB), public)
	requireSubnets(t, "after both ups, private subnets found by the controllers", discoverable(tags, roleInternalELB), private)

	n := readJournal(t, ws).Len()
	if _, err := blue.destroy(ctx); err != nil {
		t.Fatalf("blue: destroy: %v", err)
	}
	for _, e := range readJournal(t, ws).Since(n).Deletes().Type(tTag).Entries {
		if strings.HasSuffix(e.Name, "-elb-tag") {
			t.Errorf("destroying blue deleted the shared role tag %s (%s)", e.Name, e.ID)
		}
	}
	tags = cloudTags(t, ws)
	requireSubnets(t, "after blue's destroy, subnets tagged for blue", clusterTagged(tags, "blue"), nil)
	requireSubnets(t, "after blue's destroy, subnets tagged for green", clusterTagged(tags, "green"), all)
	requireSubnets(t, "after blue's destroy, public subnets green's load balancers find", discoverable(tags, roleELB), public)
	requireSubnets(t, "after blue's destroy, private subnets green's load balancers find", discoverable(tags, roleInternalELB), private)

	gs, err := ws.Attach(ctx, green.project, green.stack)
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := gs.Refresh(ctx); err != nil {
		t.Fatalf("green: refresh: %v", err)
	} else if sum.Changed() != 0 {
		t.Errorf("green: refresh after blue's destroy: want the state as the cloud has it, got %s", sum)
	}
	if sum, err := green.preview(ctx); err != nil {
		t.Fatalf("green: preview: %v", err)
	} else if sum.Changed() != 0 {
		t.Errorf("green: preview after blue's destroy: want no changes, got %s", sum)
	}

	// Someone else gives another private subnet's role tag the value "": green learns
	// it on refresh and leaves it.
	if err := simcloud.WriteDrift(driftFile, simcloud.Drift{Tag: []simcloud.TagDrift{
		{ResourceID: priv2, Key: roleInternalELB, Value: ""},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := gs.Refresh(ctx); err != nil {
		t.Fatalf("green: refresh: %v", err)
	}
	if sum, err := green.preview(ctx); err != nil {
		t.Fatalf("green: preview: %v", err)
	} else if sum.Changed() != 0 {
		t.Errorf("green: preview after someone set %s to \"\": want no changes (the value is theirs), got %s", roleInternalELB, sum)
	}

	if _, err := green.destroy(ctx); err != nil {
		t.Fatalf("green: destroy: %v", err)
	}
	tags = cloudTags(t, ws)
	want := map[string]map[string]string{
		pub1: {roleELB: "1"}, pub2: {roleELB: "1"},
		priv1: {roleInternalELB: "1"}, // EC2's CreateTags overwrote the VPC module's ""
		priv2: {roleInternalELB: ""},
	}
	if fmt.Sprint(tags) != fmt.Sprint(want) {
		t.Errorf("after both destroys the subnets carry %v, want only the role tags %v", tags, want)
	}
}

// TestSharedRoleTagsFireWithoutRetain: the hazard the platform's role tag options guard
// against, modelled by the simulated cloud. Two stacks register the role tag as 0.1.0
// did (a plain aws:ec2/tag:Tag): destroying one deletes it for the other, whose load
// balancers no longer find the subnet and whose refresh drops the tag from its state.
// With the options the platform now gives shared tags, the same steps keep it.
func TestSharedRoleTagsFireWithoutRetain(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	for _, c := range []struct {
		name string
		opts []pulumi.ResourceOption
		kept bool
	}{
		{"plain", nil, false},
		{"retained", []pulumi.ResourceOption{pulumi.RetainOnDelete(true), pulumi.IgnoreChanges([]string{"value"})}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ws, err := runner.NewWorkspace(runner.Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			stack := func(name string) *runner.Stack {
				s, err := ws.GoStack(ctx, "shared-tags", name, func(ctx *pulumi.Context) error {
					_, err := ec2.NewTag(ctx, name+"-"+pub1+"-elb-tag", &ec2.TagArgs{
						ResourceId: pulumi.String(pub1), Key: pulumi.String(roleELB), Value: pulumi.String("1"),
					}, c.opts...)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.Up(ctx); err != nil {
					t.Fatalf("%s: up: %v", name, err)
				}
				return s
			}
			blue, green := stack("blue"), stack("green")
			if _, err := blue.Destroy(ctx); err != nil {
				t.Fatalf("blue: destroy: %v", err)
			}
			found := discoverable(cloudTags(t, ws), roleELB)
			sum, err := green.Refresh(ctx)
			if err != nil {
				t.Fatalf("green: refresh: %v", err)
			}
			if c.kept {
				requireSubnets(t, "public subnets green's load balancers find", found, []string{pub1})
				if sum.Changed() != 0 {
					t.Errorf("green: refresh: want no change, got %s", sum)
				}
				return
			}
			requireSubnets(t, "public subnets green's load balancers find (the simulator must model the loss)", found, nil)
			if sum.Count("delete") != 1 {
				t.Errorf("green: refresh: want its tag dropped from the state (the cloud lost it), got %s", sum)
			}
		})
	}
}
