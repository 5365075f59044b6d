package platform

import (
	"fmt"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Construct cost: building the whole component under mocks, which is the CPU and memory
// the plugin spends in Construct before the engine takes over. `make bench` reports
// ns/op and allocs/op; the growth from 1 to 10 to 100 should be linear.

// scaledArgs is a platform with n node groups and r generic Helm releases.
func scaledArgs(nodeGroups, releases int) *Args {
	args := minimalArgs()
	args.NodeGroups = nil
	for i := range nodeGroups {
		args.NodeGroups = append(args.NodeGroups, NodeGroupArgs{
			Name:          pulumi.String(fmt.Sprintf("group%03d", i)),
			InstanceTypes: pulumi.ToStringArray([]string{"m5.large"}),
			Labels:        pulumi.StringMap{"pool": pulumi.String(fmt.Sprintf("p%d", i))},
		})
	}
	for i := range releases {
		args.HelmReleases = append(args.HelmReleases, HelmReleaseArgs{
			Name:           pulumi.String(fmt.Sprintf("app%02d", i)),
			Repository:     pulumi.String("https://charts.example.com"),
			Chart:          pulumi.String("app"),
			Version:        pulumi.String("1.0.0"),
			Namespace:      pulumi.String("apps"),
			ServiceAccount: pulumi.String(fmt.Sprintf("app%02d", i)),
			IamPolicy:      pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::bucket/*"]}]}`),
			Values:         pulumi.Map{"replicaCount": pulumi.Int(2)},
		})
	}
	return args
}

func benchmarkConstruct(b *testing.B, nodeGroups, releases int) {
	b.ReportAllocs()
	var resources int
	for b.Loop() {
		m := mocktest.New()
		err := m.Run(func(ctx *pulumi.Context) error {
			_, err := New(ctx, "bench", scaledArgs(nodeGroups, releases))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		resources = len(m.Resources())
	}
	b.ReportMetric(float64(resources), "resources")
}

func BenchmarkConstructNodeGroups(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("nodeGroups=%d", n), func(b *testing.B) { benchmarkConstruct(b, n, 0) })
	}
}

func BenchmarkConstructHelmReleases(b *testing.B) {
	for _, n := range []int{1, 5, 20} {
		b.Run(fmt.Sprintf("helmReleases=%d", n), func(b *testing.B) { benchmarkConstruct(b, 1, n) })
	}
}

// TestScaledArgsAreValid keeps the benchmark inputs honest: they build the platform
// they claim to, so the figures measure real work.
func TestScaledArgsAreValid(t *testing.T) {
	m, _ := deploy(t, "bench", scaledArgs(10, 5))
	if got := len(m.OfType("aws:eks/nodeGroup:NodeGroup")); got != 10 {
		t.Errorf("%d node groups, want 10", got)
	}
	if got := len(m.OfType("kubernetes:helm.sh/v3:Release")); got != 5 {
		t.Errorf("%d releases, want 5", got)
	}
}
