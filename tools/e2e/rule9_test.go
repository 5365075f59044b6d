package e2e

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestRule9FiresWithoutTheOrdering: the same two releases the platform orders (the
// ALB controller, then everything else), installed by a program of plain resources
// without that ordering, fail through the real engine as on EKS: the second release
// starts while the controller's webhook has no endpoints. The platform's own runs
// (TestGo, TestTypeScript, TestPython, ...) install the ALB controller beside other
// releases and pass, so the rule, not luck, is what keeps them green.
func TestRule9FiresWithoutTheOrdering(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	// A slower clock than the default, so a release's create (one simulated minute)
	// outlasts the engine's own round trips by far.
	ws := newWorkspace(t, runner.Options{Scale: 0.01})
	program := func(ctx *pulumi.Context) error {
		role := pulumi.String("arn:aws:iam::123456789012:role/race-cluster")
		cluster, err := eks.NewCluster(ctx, "race", &eks.ClusterArgs{
			Name:      pulumi.String("race"),
			RoleArn:   role,
			VpcConfig: eks.ClusterVpcConfigArgs{SubnetIds: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"})},
		})
		if err != nil {
			return err
		}
		cni, err := eks.NewAddon(ctx, "race-vpc-cni", &eks.AddonArgs{ClusterName: cluster.Name, AddonName: pulumi.String("vpc-cni")})
		if err != nil {
			return err
		}
		ng, err := eks.NewNodeGroup(ctx, "race-ng", &eks.NodeGroupArgs{
			ClusterName:   cluster.Name,
			NodeGroupName: pulumi.String("race-general"),
			NodeRoleArn:   pulumi.String("arn:aws:iam::123456789012:role/race-node"),
			SubnetIds:     pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60003"}),
			ScalingConfig: eks.NodeGroupScalingConfigArgs{MinSize: pulumi.Int(1), DesiredSize: pulumi.Int(1), MaxSize: pulumi.Int(2)},
		}, pulumi.DependsOn([]pulumi.Resource{cni}))
		if err != nil {
			return err
		}
		k8s, err := bareClusterProvider(ctx, "race", cluster)
		if err != nil {
			return err
		}
		alb, err := helmv3.NewRelease(ctx, "race-alb", &helmv3.ReleaseArgs{
			Name: pulumi.String("aws-load-balancer-controller"), Chart: pulumi.String("aws-load-balancer-controller"),
			Version: pulumi.String("3.5.0"), Namespace: pulumi.String("kube-system"),
		}, pulumi.Provider(k8s), pulumi.DependsOn([]pulumi.Resource{ng}))
		if err != nil {
			return err
		}
		_ = alb
		// Another release of the same wave, a moment later (after an IAM role, as a
		// release with its own role would be): nothing orders it after the controller.
		later, err := iam.NewRole(ctx, "race-later", &iam.RoleArgs{
			AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[]}`),
		}, pulumi.DependsOn([]pulumi.Resource{ng}))
		if err != nil {
			return err
		}
		_, err = helmv3.NewRelease(ctx, "race-metrics-server", &helmv3.ReleaseArgs{
			Name: pulumi.String("metrics-server"), Chart: pulumi.String("metrics-server"),
			Version: pulumi.String("3.13.1"), Namespace: pulumi.String("kube-system"),
		}, pulumi.Provider(k8s), pulumi.DependsOn([]pulumi.Resource{later}))
		return err
	}
	s, err := ws.GoStack(ctx, "e2e-rule9", "race", program)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Up(ctx)
	if err == nil {
		t.Fatal("up succeeded although a release was installed while the ALB controller's webhook had no endpoints")
	}
	if !strings.Contains(err.Error(), `failed calling webhook "mservice.elbv2.k8s.aws"`) {
		t.Fatalf("up failed, but not with the webhook's error:\n%s", tailStr(err.Error(), 3000))
	}
	j := readJournal(t, ws)
	failed := j.Errors().Type(tRelease)
	if failed.Len() != 1 || !strings.Contains(failed.Entries[0].Name, "metrics-server") {
		t.Errorf("want exactly the metrics-server release failed by the webhook, journal errors: %s", names(j.Errors().Entries))
	}
}

// TestRule9GuardWebhookFiresWithoutTheOrdering: cert-manager and a team's chart (which
// may make a Certificate) installed by a program of plain resources without the
// platform's beforeUserReleases ordering: the team's chart starts while cert-manager's
// webhook has no endpoints and fails through the real engine, as on EKS.
// TestGoScenarios/CertificatesAndSecrets installs the same pair through the platform and
// passes.
func TestRule9GuardWebhookFiresWithoutTheOrdering(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{Scale: 0.01})
	program := func(ctx *pulumi.Context) error {
		cluster, err := eks.NewCluster(ctx, "guard", &eks.ClusterArgs{
			Name:      pulumi.String("guard"),
			RoleArn:   pulumi.String("arn:aws:iam::123456789012:role/guard-cluster"),
			VpcConfig: eks.ClusterVpcConfigArgs{SubnetIds: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"})},
		})
		if err != nil {
			return err
		}
		cni, err := eks.NewAddon(ctx, "guard-vpc-cni", &eks.AddonArgs{ClusterName: cluster.Name, AddonName: pulumi.String("vpc-cni")})
		if err != nil {
			return err
		}
		ng, err := eks.NewNodeGroup(ctx, "guard-ng", &eks.NodeGroupArgs{
			ClusterName:   cluster.Name,
			NodeGroupName: pulumi.String("guard-general"),
			NodeRoleArn:   pulumi.String("arn:aws:iam::123456789012:role/guard-node"),
			SubnetIds:     pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60003"}),
			ScalingConfig: eks.NodeGroupScalingConfigArgs{MinSize: pulumi.Int(1), DesiredSize: pulumi.Int(1), MaxSize: pulumi.Int(2)},
		}, pulumi.DependsOn([]pulumi.Resource{cni}))
		if err != nil {
			return err
		}
		k8s, err := bareClusterProvider(ctx, "guard", cluster)
		if err != nil {
			return err
		}
		if _, err := helmv3.NewRelease(ctx, "guard-cert-manager", &helmv3.ReleaseArgs{
			Name: pulumi.String("cert-manager"), Chart: pulumi.String("cert-manager"),
			Version: pulumi.String("v1.21.1"), Namespace: pulumi.String("cert-manager"),
		}, pulumi.Provider(k8s), pulumi.DependsOn([]pulumi.Resource{ng})); err != nil {
			return err
		}
		// The team's chart a moment later (after an IAM role, as one with its own role
		// would be): nothing orders it after cert-manager.
		later, err := iam.NewRole(ctx, "guard-later", &iam.RoleArgs{
			AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[]}`),
		}, pulumi.DependsOn([]pulumi.Resource{ng}))
		if err != nil {
			return err
		}
		_, err = helmv3.NewRelease(ctx, "guard-web", &helmv3.ReleaseArgs{
			Name: pulumi.String("web"), Chart: pulumi.String("oci://registry.example.com/charts/web"),
			Version: pulumi.String("1.0.0"), Namespace: pulumi.String("web"),
		}, pulumi.Provider(k8s), pulumi.DependsOn([]pulumi.Resource{later}))
		return err
	}
	s, err := ws.GoStack(ctx, "e2e-rule9-guard", "guard", program)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Up(ctx)
	if err == nil {
		t.Fatal("up succeeded although a team's chart was installed while cert-manager's webhook had no endpoints")
	}
	if !strings.Contains(err.Error(), `failed calling webhook "webhook.cert-manager.io"`) {
		t.Fatalf("up failed, but not with the webhook's error:\n%s", tailStr(err.Error(), 3000))
	}
	j := readJournal(t, ws)
	failed := j.Errors().Type(tRelease)
	if failed.Len() != 1 || !strings.Contains(failed.Entries[0].Name, "web") {
		t.Errorf("want exactly the team's release failed by the webhook, journal errors: %s", names(j.Errors().Entries))
	}
}

// bareClusterProvider is the Kubernetes provider of a cluster a rule-fires test makes
// itself, without the platform (so without its ordering): named "<name>-k8s", with the
// kubeconfig `aws eks update-kubeconfig` writes (the cluster's endpoint and CA, a user
// running `aws eks get-token`), which reaches the simulated cluster's API server.
func bareClusterProvider(ctx *pulumi.Context, name string, cluster *eks.Cluster) (*kubernetes.Provider, error) {
	kubeconfig := pulumi.Sprintf(`{"apiVersion":"v1","kind":"Config","current-context":%[1]q,`+
		`"clusters":[{"name":%[1]q,"cluster":{"server":%[2]q,"certificate-authority-data":%[3]q}}],`+
		`"contexts":[{"name":%[1]q,"context":{"cluster":%[1]q,"user":%[1]q}}],`+
		`"users":[{"name":%[1]q,"user":{"exec":{"apiVersion":"client.authentication.k8s.io/v1beta1","command":"aws",`+
		`"args":["eks","get-token","--cluster-name",%[4]q,"--output","json"]}}}]}`,
		name, cluster.Endpoint, cluster.CertificateAuthority.Data().Elem(), cluster.Name)
	return kubernetes.NewProvider(ctx, name+"-k8s", &kubernetes.ProviderArgs{Kubeconfig: kubeconfig})
}
