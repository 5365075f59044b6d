package main

import (
	"context"
	"fmt"
	"io"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
)

// fleet is what every stack of the fleet shares.
type fleet struct {
	backend, project, region, kubernetesVersion string
	publicSubnetIDs, privateSubnetIDs           []string
	destroy                                     bool
	// engineParallel is each update's `pulumi up --parallel`.
	engineParallel int
}

// result is what one stack's run produced.
type result struct {
	context, cluster string // from the kubeconfig output
	err              error
}

// program is the inline Pulumi program of one cluster's stack: the same platform for
// every cluster, named after it.
func (f *fleet) program(cluster string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		var kubernetesVersion pulumi.StringPtrInput // unset: the component's default
		if f.kubernetesVersion != "" {
			kubernetesVersion = pulumi.String(f.kubernetesVersion)
		}
		platform, err := eksplatform.NewEksPlatform(ctx, "platform", &eksplatform.EksPlatformArgs{
			ClusterName:       pulumi.String(cluster),
			KubernetesVersion: kubernetesVersion,
			PublicSubnetIds:   pulumi.ToStringArray(f.publicSubnetIDs),
			PrivateSubnetIds:  pulumi.ToStringArray(f.privateSubnetIDs),
			// Every cluster of the fleet shares these subnets: each writes only its own
			// kubernetes.io/cluster/<name> tag, and the load balancer role tags are
			// written once, outside the fleet, so destroying one cluster keeps them.
			SubnetRoleTags: pulumi.Bool(false),
			NodeGroups: eksplatform.NodeGroupArray{
				eksplatform.NodeGroupArgs{
					Name:          pulumi.String("general"),
					CapacityType:  pulumi.String("SPOT"),
					InstanceTypes: pulumi.ToStringArray([]string{"t3.large", "m5.large"}),
					Scaling: &eksplatform.NodeGroupScalingArgs{
						MinSize:     pulumi.Int(1),
						DesiredSize: pulumi.Int(2),
						MaxSize:     pulumi.Int(5),
					},
				},
			},
			EksAddons: &eksplatform.EksAddonsArgs{
				EbsCsiDriver: &eksplatform.EksAddonArgs{Enabled: pulumi.Bool(true)},
			},
			Addons: &eksplatform.HelmAddonsArgs{
				AwsLoadBalancerController: &eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
				MetricsServer:             &eksplatform.HelmAddonArgs{Enabled: pulumi.Bool(true)},
			},
			Tags: pulumi.StringMap{"fleet": pulumi.String(f.project)},
		})
		if err != nil {
			return err
		}
		ctx.Export("kubeconfig", platform.Kubeconfig)
		ctx.Export("clusterName", platform.ClusterName)
		ctx.Export("clusterEndpoint", platform.ClusterEndpoint)
		return nil
	}
}

// run updates (or destroys) the stack named after cluster, writing progress to out.
func (f *fleet) run(ctx context.Context, cluster string, out io.Writer) result {
	project := workspace.Project{
		Name:    tokens.PackageName(f.project),
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
	}
	if f.backend != "" {
		project.Backend = &workspace.ProjectBackend{URL: f.backend}
	}
	stack, err := auto.UpsertStackInlineSource(ctx, cluster, f.project, f.program(cluster), auto.Project(project))
	if err != nil {
		return result{err: fmt.Errorf("select stack: %w", err)}
	}
	if err := stack.SetConfig(ctx, "aws:region", auto.ConfigValue{Value: f.region}); err != nil {
		return result{err: fmt.Errorf("set aws:region: %w", err)}
	}

	if f.destroy {
		if _, err := stack.Destroy(ctx, optdestroy.ProgressStreams(out), optdestroy.ErrorProgressStreams(out)); err != nil {
			return result{err: fmt.Errorf("destroy: %w", err)}
		}
		if err := stack.Workspace().RemoveStack(ctx, stack.Name()); err != nil {
			return result{err: fmt.Errorf("remove stack: %w", err)}
		}
		return result{}
	}

	up, err := stack.Up(ctx, optup.ProgressStreams(out), optup.ErrorProgressStreams(out), optup.Parallel(f.engineParallel))
	if err != nil {
		return result{err: fmt.Errorf("up: %w", err)}
	}
	kubeconfig, ok := up.Outputs["kubeconfig"].Value.(string)
	if !ok {
		return result{err: fmt.Errorf("stack output kubeconfig is missing or not a string")}
	}
	current, clusterName, err := kubeconfigCluster(kubeconfig)
	if err != nil {
		return result{err: err}
	}
	return result{context: current, cluster: clusterName}
}

// kubeconfigCluster returns a kubeconfig's current context and the cluster it points
// at. YAML is a superset of JSON, so this reads either form.
func kubeconfigCluster(kubeconfig string) (currentContext, cluster string, err error) {
	var kc struct {
		CurrentContext string `yaml:"current-context"`
		Contexts       []struct {
			Name    string `yaml:"name"`
			Context struct {
				Cluster string `yaml:"cluster"`
			} `yaml:"context"`
		} `yaml:"contexts"`
	}
	if err := yaml.Unmarshal([]byte(kubeconfig), &kc); err != nil {
		return "", "", fmt.Errorf("parse kubeconfig: %w", err)
	}
	for _, c := range kc.Contexts {
		if c.Name == kc.CurrentContext {
			return kc.CurrentContext, c.Context.Cluster, nil
		}
	}
	return "", "", fmt.Errorf("kubeconfig has no context named current-context %q", kc.CurrentContext)
}
