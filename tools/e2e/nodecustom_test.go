package e2e

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestGoNodeCustomization: a node group on a custom AMI and one on AL2023 with kubelet
// settings and a cloud-init part, through the real engine and the simulator, which
// fails a custom AMI's nodes unless the launch template's user data holds a NodeConfig
// with the cluster's name, endpoint, CA and service CIDR, and fails amiType / version
// on such a group (tools/simcloud/nodeboot.go). The user data is checked in state; a
// second up changes nothing; a changed part rolls a new launch template version in
// place (the node group is updated, not replaced); destroy leaves nothing.
func TestGoNodeCustomization(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ws := newWorkspace(t, runner.Options{})
	script := "#!/bin/bash\necho one\n"
	s, err := ws.GoStack(ctx, "e2e-nodecustom", "dev", func(ctx *pulumi.Context) error {
		a := scenarioArgs()
		a.NodeGroups = eksplatform.NodeGroupArray{
			eksplatform.NodeGroupArgs{
				Name:    pulumi.String("custom"),
				AmiType: pulumi.String("CUSTOM"),
				AmiId:   pulumi.String("ami-0123456789abcdef0"),
				Kubelet: eksplatform.NodeKubeletArgs{MaxPods: pulumi.Int(58)},
				Taints: eksplatform.TaintArray{eksplatform.TaintArgs{
					Key: pulumi.String("CriticalAddonsOnly"), Value: pulumi.String("true"), Effect: pulumi.String("NO_SCHEDULE")}},
			},
			eksplatform.NodeGroupArgs{
				Name:           pulumi.String("general"),
				ReleaseVersion: pulumi.String("1.36.0-20260701"),
				Kubelet: eksplatform.NodeKubeletArgs{
					MaxPods:      pulumi.Int(110),
					KubeReserved: pulumi.StringMap{"cpu": pulumi.String("100m")},
				},
				NodeadmConfig: pulumi.Map{"featureGates": pulumi.Map{"InstanceIdNodeName": pulumi.Bool(true)}},
				UserDataParts: eksplatform.UserDataPartArray{eksplatform.UserDataPartArgs{
					ContentType: pulumi.String("text/x-shellscript"), Content: pulumi.String(script)}},
			},
		}
		_, err := eksplatform.NewEksPlatform(ctx, component, a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	_, j, g := upOnce(t, ctx, ws, s, "up")
	requireFirstUpClean(t, "up", j, g)
	cluster := mustNode(t, g, tCluster, child("cluster"))
	userData := func(g *journal.Graph, group string) string {
		t.Helper()
		lt := mustNode(t, g, tLaunchTemplate, child("ng-"+group+"-lt"))
		b, err := base64.StdEncoding.DecodeString(str(lt.Res.Inputs, "userData"))
		if err != nil {
			t.Fatalf("%s launch template userData is not base64: %v", group, err)
		}
		return string(b)
	}
	custom := userData(g, "custom")
	for _, want := range []string{
		"name: " + str(cluster.Res.Outputs, "name"),
		"apiServerEndpoint: " + str(cluster.Res.Outputs, "endpoint"),
		"certificateAuthority: " + str(cluster.Res.Outputs, "certificateAuthority", "data"),
		"cidr: " + str(cluster.Res.Outputs, "kubernetesNetworkConfig", "serviceIpv4Cidr"),
		"maxPods: 58",
		"--register-with-taints=CriticalAddonsOnly=true:NoSchedule",
	} {
		if !strings.Contains(custom, want) {
			t.Errorf("custom group's user data lacks %q:\n%s", want, custom)
		}
	}
	if lt := mustNode(t, g, tLaunchTemplate, child("ng-custom-lt")); str(lt.Res.Inputs, "imageId") != "ami-0123456789abcdef0" ||
		str(lt.Res.Inputs, "metadataOptions", "httpTokens") != "required" {
		t.Errorf("custom launch template imageId %q httpTokens %q", str(lt.Res.Inputs, "imageId"), str(lt.Res.Inputs, "metadataOptions", "httpTokens"))
	}
	ng := mustNode(t, g, tNodeGroup, child("ng-custom"))
	for _, k := range []string{"amiType", "version", "releaseVersion"} {
		if v := str(ng.Res.Inputs, k); v != "" {
			t.Errorf("custom node group sets %s=%q", k, v)
		}
	}
	general := userData(g, "general")
	for _, want := range []string{"maxPods: 110", "cpu: 100m", "InstanceIdNodeName: true", script} {
		if !strings.Contains(general, want) {
			t.Errorf("general group's user data lacks %q:\n%s", want, general)
		}
	}
	if strings.Contains(general, "apiServerEndpoint") {
		t.Errorf("the general group's user data sets the cluster; EKS merges its own")
	}
	if v := str(mustNode(t, g, tNodeGroup, child("ng-general")).Res.Inputs, "releaseVersion"); v != "1.36.0-20260701" {
		t.Errorf("general releaseVersion = %q", v)
	}

	// Same inputs: nothing changes.
	sum, j, _ := upOnce(t, ctx, ws, s, "again")
	requireMutations(t, "again", j)
	if sum.Count("update")+sum.Count("create")+sum.Count("replace") != 0 {
		t.Errorf("second up changed something: %s", sum)
	}

	// A changed part: a new launch template version, rolled out by updating the group.
	script = "#!/bin/bash\necho two\n"
	_, j, g = upOnce(t, ctx, ws, s, "new part")
	requireMutations(t, "new part", j,
		mut("update", tLaunchTemplate, "ng-general-lt"),
		mut("update", tNodeGroup, "ng-general"))
	if !strings.Contains(userData(g, "general"), "echo two") {
		t.Errorf("the new part is not in the user data")
	}

	all, del := destroyAll(t, ctx, ws, s)
	requireClean(t, "destroy", del)
	requireAllDeleted(t, all)
}
