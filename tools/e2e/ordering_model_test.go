package e2e

import (
	"math"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type group struct{ pulumi.ResourceState }

// TestParentComponentOrdersChildren: the engine semantics the bench's lower
// bound models (journal.Graph.Ordering), checked through the real engine. A
// child of a component that depends on a key waits for the key although the
// child's state lists no dependency on it; a resource outside the component
// does not wait. The state-only critical path misses the edge; Ordering's
// includes it.
func TestParentComponentOrdersChildren(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	// 0.2: the key's create (0.05 simulated minutes) takes 600 ms, far above
	// the engine's scheduling jitter.
	ws, err := runner.NewWorkspace(runner.Options{Scale: 0.2, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	trust := pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	s, err := ws.GoStack(ctx, "ordering-model", "dev", func(ctx *pulumi.Context) error {
		key, err := kms.NewKey(ctx, "slow", &kms.KeyArgs{Description: pulumi.String("ordering model")})
		if err != nil {
			return err
		}
		g := &group{}
		if err := ctx.RegisterComponentResource("bench:index:Group", "group", g, pulumi.DependsOn([]pulumi.Resource{key})); err != nil {
			return err
		}
		if _, err := iam.NewRole(ctx, "child", &iam.RoleArgs{AssumeRolePolicy: trust}, pulumi.Parent(g)); err != nil {
			return err
		}
		if _, err := iam.NewRole(ctx, "free", &iam.RoleArgs{AssumeRolePolicy: trust}); err != nil {
			return err
		}
		return ctx.RegisterResourceOutputs(g, pulumi.Map{})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Parallel = 32
	if _, err := s.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	j := readJournal(t, ws).Creates()
	one := func(name string) journal.Entry {
		t.Helper()
		es := j.Name(name).Entries
		if len(es) != 1 {
			t.Fatalf("%s: want one create, got %d", name, len(es))
		}
		return es[0]
	}
	key, child, free := one("slow"), one("child"), one("free")
	if !journal.Before(key, child) {
		t.Errorf("the component's child started before the component's dependency ended: %s / %s", journal.Label(key), journal.Label(child))
	}
	if journal.Before(key, free) {
		t.Errorf("control: a resource outside the component waited for the key: %s / %s", journal.Label(key), journal.Label(free))
	}
	_, g, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g.DependsOn(child.URN, key.URN) {
		t.Fatalf("the state lists the edge; this test no longer shows what Ordering adds")
	}
	plain, _ := g.CriticalPath(journal.Minutes)
	ordered, path := g.Ordering().CriticalPath(journal.Minutes)
	if math.Abs(plain-0.05) > 1e-9 || math.Abs(ordered-0.08) > 1e-9 {
		t.Errorf("critical path: state only %.3f (want 0.05, the key), with parent edges %.3f (want 0.08, key → child)", plain, ordered)
	}
	if len(path) != 2 || path[0].Name != "slow" || path[1].Name != "child" {
		t.Errorf("critical path with parent edges: %v", path)
	}
}
