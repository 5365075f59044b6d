package e2e

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// extraAddonsArgs is a platform with one node group and three eksAddons.extra add-ons:
// the EFS CSI driver on Pod Identity (its association on the add-on itself), the
// CloudWatch observability add-on on IRSA (issue 18's logs-and-metrics choice), and
// the node monitoring agent (DaemonSets only, placed with the node add-ons).
func extraAddonsArgs() *eksplatform.EksPlatformArgs {
	a := scenarioArgs()
	a.NodeGroups = eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{Name: pulumi.String("general")}}
	a.EksAddons = eksplatform.EksAddonsArgs{Extra: eksplatform.ExtraEksAddonArray{
		eksplatform.ExtraEksAddonArgs{Name: pulumi.String("aws-efs-csi-driver"), Identity: pulumi.String("podIdentity")},
		eksplatform.ExtraEksAddonArgs{Name: pulumi.String("amazon-cloudwatch-observability")},
		eksplatform.ExtraEksAddonArgs{Name: pulumi.String("eks-node-monitoring-agent")},
	}}
	return a
}

// TestGoExtraEksAddons: up (clean: the simulator reports an add-on with a Deployment
// created before any node as hanging, so a clean journal proves the placement), the
// roles and associations in the state, a second up that changes nothing, destroy.
func TestGoExtraEksAddons(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws, s := scenarioStack(t, "extraaddons", extraAddonsArgs())
	sum, j, g := upOnce(t, ctx, ws, s, "up")
	requireFirstUpClean(t, "up", j, g)
	cr := j.Creates()
	ng := cr.Type(tNodeGroup).Name(child("ng-general")).Entries
	requireCount(t, "node group", ng, 1, false)
	roleArns, _ := sum.Outputs["addonRoleArns"].Value.(map[string]any)

	// EFS CSI driver: its role trusted by EKS Pod Identity, AmazonEFSCSIDriverPolicy
	// attached, the associations on the add-on (EKS makes them) for the controller's
	// and the node DaemonSet's service accounts, no IRSA; after the node group that runs its controller and after
	// its role's policy (rule 4, rule 6's reasoning).
	efsRole := mustNode(t, g, tRole, child("eks-addon-aws-efs-csi-driver-role"))
	if trust := str(efsRole.Res.Inputs, "assumeRolePolicy"); strings.Contains(trust, "AssumeRoleWithWebIdentity") ||
		!strings.Contains(trust, "pods.eks.amazonaws.com") || !strings.Contains(trust, "sts:TagSession") ||
		!strings.Contains(trust, `"aws:RequestTag/eks-cluster-arn":"arn:aws:eks:`) ||
		!strings.Contains(trust, `"aws:RequestTag/kubernetes-namespace":"kube-system"`) ||
		!strings.Contains(trust, `"aws:RequestTag/kubernetes-service-account":"efs-csi-controller-sa"`) ||
		!strings.Contains(trust, `"aws:RequestTag/kubernetes-service-account":"efs-csi-node-sa"`) ||
		strings.Contains(trust, "*") {
		t.Errorf("EFS role %s: want a Pod Identity trust scoped to the cluster and the controller's and node's service accounts, each named (the session tags AWS documents):\n%s", efsRole.Name, trust)
	}
	efsAtt := mustNode(t, g, tAttachment, child("eks-addon-aws-efs-csi-driver-role-AmazonEFSCSIDriverPolicy"))
	if got := str(efsAtt.Res.Inputs, "policyArn"); got != "arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy" {
		t.Errorf("EFS policy %q", got)
	}
	efs := mustNode(t, g, tAddon, child("aws-efs-csi-driver"))
	efsArn := str(efsRole.Res.Outputs, "arn")
	if got, want := str(efs.Res.Inputs, "podIdentityAssociations"), `[{"roleArn":"`+efsArn+`","serviceAccount":"efs-csi-controller-sa"},{"roleArn":"`+efsArn+`","serviceAccount":"efs-csi-node-sa"}]`; got != want {
		t.Errorf("EFS add-on podIdentityAssociations %s, want %s", got, want)
	}
	if got := str(efs.Res.Inputs, "serviceAccountRoleArn"); got != "" {
		t.Errorf("EFS add-on on Pod Identity has serviceAccountRoleArn %q", got)
	}
	if roleArns["aws-efs-csi-driver"] != efsArn {
		t.Errorf("addonRoleArns[aws-efs-csi-driver] = %v, want %s", roleArns["aws-efs-csi-driver"], efsArn)
	}
	efsCreate := cr.Type(tAddon).Name(efs.Name).Entries
	requireBefore(t, "rule 4", "the node group before the EFS CSI driver", ng, efsCreate)
	requireBefore(t, "identity", "the EFS role's policy before the add-on", cr.Filter(func(e journal.Entry) bool { return e.URN == efsAtt.URN }).Entries, efsCreate)
	if n := len(g.OfType(tPodIdentity)); n != 0 {
		t.Errorf("%d separate pod identity associations; the add-on owns its own", n)
	}

	// CloudWatch observability: IRSA for exactly amazon-cloudwatch:cloudwatch-agent,
	// with the two policies AWS documents as required, set as serviceAccountRoleArn.
	cwRole := mustNode(t, g, tRole, child("eks-addon-amazon-cloudwatch-observability-role"))
	if trust := str(cwRole.Res.Inputs, "assumeRolePolicy"); !strings.Contains(trust, "AssumeRoleWithWebIdentity") ||
		!strings.Contains(trust, `"system:serviceaccount:amazon-cloudwatch:cloudwatch-agent"`) || !strings.Contains(trust, "sts.amazonaws.com") {
		t.Errorf("CloudWatch role %s: want IRSA for amazon-cloudwatch:cloudwatch-agent:\n%s", cwRole.Name, trust)
	}
	for _, policy := range []string{"CloudWatchAgentServerPolicy", "AWSXrayWriteOnlyAccess"} {
		att := mustNode(t, g, tAttachment, child("eks-addon-amazon-cloudwatch-observability-role-"+policy))
		if got := str(att.Res.Inputs, "policyArn"); got != "arn:aws:iam::aws:policy/"+policy {
			t.Errorf("CloudWatch policy %q", got)
		}
	}
	cw := mustNode(t, g, tAddon, child("amazon-cloudwatch-observability"))
	if got := str(cw.Res.Inputs, "serviceAccountRoleArn"); got != str(cwRole.Res.Outputs, "arn") || got == "" {
		t.Errorf("CloudWatch add-on serviceAccountRoleArn %q, want its role %s", got, str(cwRole.Res.Outputs, "arn"))
	}
	requireBefore(t, "rule 4", "the node group before the CloudWatch add-on", ng, cr.Type(tAddon).Name(cw.Name).Entries)
	requireBefore(t, "rule 2", "the OIDC provider before the CloudWatch role", cr.Type(tOIDC).Entries,
		cr.Filter(func(e journal.Entry) bool { return e.URN == cwRole.URN }).Entries)

	// The node monitoring agent (DaemonSets only) starts before the node group is done
	// and waits for no compute (rule 8).
	nm := mustNode(t, g, tAddon, child("eks-node-monitoring-agent"))
	nmCreate := one(t, "node monitoring agent create", cr.Type(tAddon).Name(nm.Name).Entries)
	if len(ng) == 1 && nmCreate.StartMS >= ng[0].EndMS {
		t.Errorf("rule 8: the node monitoring agent started at %d ms, after the node group ended at %d ms", nmCreate.StartMS, ng[0].EndMS)
	}
	for _, d := range nm.Deps {
		if n := g.ByURN[d]; n != nil && (n.Type == tNodeGroup || n.Type == tFargate) {
			t.Errorf("rule 8: the node monitoring agent depends on %s", n.Name)
		}
	}

	// A second up with the same inputs changes nothing.
	n := readJournal(t, ws).Len()
	sum2, err := s.Up(ctx)
	if err != nil {
		t.Fatalf("second up: %v", err)
	}
	if sum2.Changed() != 0 {
		t.Errorf("second up: want every resource unchanged, got %s", sum2)
	}
	for _, e := range readJournal(t, ws).Since(n).Mutations().Entries {
		t.Errorf("second up touched the cloud: %s", journal.Label(e))
	}

	all, del := destroyAll(t, ctx, ws, s)
	requireClean(t, "destroy", del)
	checkDestroy(t, all, del, g)
	d := del.Deletes()
	requireBefore(t, "destroy", "the EFS CSI driver deleted before the node group that runs it",
		d.Type(tAddon).Name(efs.Name).Entries, d.Type(tNodeGroup).Entries)
}

// TestPythonExtraEksAddons: eksAddons.extra from Python (testdata/program.py, variant
// extra-eks-addons): the EFS CSI driver on its add-on's Pod Identity association, and an
// add-on the platform does not know with the user's namespace, service account and a
// policy made in the same program (its ARN an Output, unknown at preview, so the
// attachment is named by the policy only at the update), then a second up that changes
// nothing, a preview with no change, and destroy.
func TestPythonExtraEksAddons(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	pythonVenv(t)
	ws := newWorkspace(t, runner.Options{})
	d := pythonDriver(t, ws, "extra", "extra-eks-addons")
	sum, j, g := upStep(t, ctx, ws, d, "up")
	requireFirstUpClean(t, "up", j, g)
	cr := j.Creates()
	ng := cr.Type(tNodeGroup).Entries
	roleArns, _ := sum.Outputs["addonRoleArns"].Value.(map[string]any)
	policyArn, _ := sum.Outputs["policyArn"].Value.(string)

	efsRole := mustNode(t, g, tRole, child("eks-addon-aws-efs-csi-driver-role"))
	efs := mustNode(t, g, tAddon, child("aws-efs-csi-driver"))
	efsArn := str(efsRole.Res.Outputs, "arn")
	if got, want := str(efs.Res.Inputs, "podIdentityAssociations"), `[{"roleArn":"`+efsArn+`","serviceAccount":"efs-csi-controller-sa"},{"roleArn":"`+efsArn+`","serviceAccount":"efs-csi-node-sa"}]`; got != want {
		t.Errorf("EFS add-on podIdentityAssociations %s, want %s", got, want)
	}
	requireBefore(t, "rule 4", "the node group before the EFS CSI driver", ng, cr.Type(tAddon).Name(efs.Name).Entries)

	vendorRole := mustNode(t, g, tRole, child("eks-addon-vendor-agent-role"))
	if trust := str(vendorRole.Res.Inputs, "assumeRolePolicy"); !strings.Contains(trust, `"system:serviceaccount:vendor:agent"`) {
		t.Errorf("vendor-agent role: want IRSA for vendor:agent:\n%s", trust)
	}
	att := mustNode(t, g, tAttachment, child("eks-addon-vendor-agent-role-VendorAgent"))
	if got := str(att.Res.Inputs, "policyArn"); got != policyArn || got == "" {
		t.Errorf("vendor-agent policyArn %q, want the program's policy %q", got, policyArn)
	}
	vendor := mustNode(t, g, tAddon, child("vendor-agent"))
	if got := str(vendor.Res.Inputs, "serviceAccountRoleArn"); got != str(vendorRole.Res.Outputs, "arn") || roleArns["vendor-agent"] != got {
		t.Errorf("vendor-agent serviceAccountRoleArn %q, addonRoleArns %v, want %s", got, roleArns["vendor-agent"], str(vendorRole.Res.Outputs, "arn"))
	}
	if got := str(vendor.Res.Inputs, "configurationValues"); got != `{"replicas":2}` {
		t.Errorf("vendor-agent configurationValues %s", got)
	}
	// Unknown to the platform, it waits for compute (the safe order).
	requireBefore(t, "rule 4", "the node group before vendor-agent", ng, cr.Type(tAddon).Name(vendor.Name).Entries)

	requireNoChange(t, ctx, ws, d, "second up")
	prev, err := d.preview(ctx)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if prev.Changed() != 0 {
		t.Errorf("preview after up: want no changes, got %s", prev)
	}
	n := readJournal(t, ws).Len()
	if _, err := d.destroy(ctx); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	all := readJournal(t, ws)
	requireClean(t, "destroy", all.Since(n))
	checkDestroy(t, all, all.Since(n), g)
}

// TestExtraAddonPlacementFiresWithoutTheOrdering: the EKS add-ons the platform places,
// made by a program of plain resources with no wait for compute, through the real
// engine: the EFS CSI driver (a Deployment) starts before any node and the simulator
// journals it hanging with "no nodes", as EKS leaves it DEGRADED; the node monitoring
// agent (DaemonSets only) does not. The platform's runs (TestGoExtraEksAddons,
// TestPythonExtraEksAddons) fail on any such warning, so their placement is what keeps
// them green.
func TestExtraAddonPlacementFiresWithoutTheOrdering(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	program := func(ctx *pulumi.Context) error {
		cluster, err := eks.NewCluster(ctx, "early", &eks.ClusterArgs{
			Name:      pulumi.String("early"),
			RoleArn:   pulumi.String("arn:aws:iam::123456789012:role/early-cluster"),
			VpcConfig: eks.ClusterVpcConfigArgs{SubnetIds: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"})},
		})
		if err != nil {
			return err
		}
		cni, err := eks.NewAddon(ctx, "early-vpc-cni", &eks.AddonArgs{ClusterName: cluster.Name, AddonName: pulumi.String("vpc-cni")})
		if err != nil {
			return err
		}
		if _, err := eks.NewNodeGroup(ctx, "early-ng", &eks.NodeGroupArgs{
			ClusterName:   cluster.Name,
			NodeGroupName: pulumi.String("early-general"),
			NodeRoleArn:   pulumi.String("arn:aws:iam::123456789012:role/early-node"),
			SubnetIds:     pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60003"}),
			ScalingConfig: eks.NodeGroupScalingConfigArgs{MinSize: pulumi.Int(1), DesiredSize: pulumi.Int(1), MaxSize: pulumi.Int(2)},
		}, pulumi.DependsOn([]pulumi.Resource{cni})); err != nil {
			return err
		}
		for _, name := range []string{"aws-efs-csi-driver", "eks-node-monitoring-agent"} {
			if _, err := eks.NewAddon(ctx, "early-"+name, &eks.AddonArgs{ClusterName: cluster.Name, AddonName: pulumi.String(name)}); err != nil {
				return err
			}
		}
		return nil
	}
	s, err := ws.GoStack(ctx, "e2e-extra-early", "early", program)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Up(ctx); err != nil {
		t.Fatalf("up: %v", tailStr(err.Error(), 3000))
	}
	j := readJournal(t, ws)
	for name, want := range map[string]string{"early-aws-efs-csi-driver": "no nodes", "early-eks-node-monitoring-agent": ""} {
		e := one(t, name+" create", j.Creates().Type(tAddon).Name(name).Entries)
		if e.Warning != want {
			t.Errorf("%s: journal warning %q, want %q", name, e.Warning, want)
		}
	}
}
