package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/eksplatform/pulumi-eksplatform/tools/simcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestGoAwsAuthForeignMappingIsRefused (docs/ordering.md rule 3, who owns the
// mappings): a CONFIG_MAP platform writes aws-auth; a person then adds a break-glass
// mapping with `kubectl edit`; the next up, which adds a mapping of its own, fails with
// the provider's field conflict naming that person's manager, and the live aws-auth
// still holds the break-glass mapping: it is refused, never silently dropped.
func TestGoAwsAuthForeignMappingIsRefused(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	driftFile := filepath.Join(t.TempDir(), "drift.json")
	ws := newWorkspace(t, runner.Options{Env: map[string]string{"SIMCLOUD_DRIFT": driftFile}})
	mappings := eksplatform.RoleMappingArray{eksplatform.RoleMappingArgs{
		RoleArn: pulumi.String(teamRole), Username: pulumi.String("platform-team"),
		Groups: pulumi.StringArray{pulumi.String("system:masters")},
	}}
	s, err := ws.GoStack(ctx, "e2e-awsauth-foreign", "legacy", func(ctx *pulumi.Context) error {
		_, err := eksplatform.NewEksPlatform(ctx, component, &eksplatform.EksPlatformArgs{
			PublicSubnetIds:    pulumi.StringArray{pulumi.String(pub1), pulumi.String(pub2)},
			PrivateSubnetIds:   pulumi.StringArray{pulumi.String(priv1), pulumi.String(priv2)},
			AuthenticationMode: pulumi.String("CONFIG_MAP"),
			RoleMappings:       mappings,
			NodeGroups: eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{
				Name: pulumi.String("general"), InstanceTypes: pulumi.StringArray{pulumi.String("m5.large")},
			}},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, j, g := upOnce(t, ctx, ws, s, "first up")
	requireFirstUpClean(t, "first up", j, g)
	data, owners, ok, err := simcloud.LiveConfigMap(ws.Journal, component, "kube-system", "aws-auth")
	if err != nil || !ok {
		t.Fatalf("no live aws-auth after the first up (err %v)", err)
	}
	if len(owners["mapRoles"]) != 1 || !strings.HasPrefix(owners["mapRoles"][0], "pulumi-kubernetes-") {
		t.Errorf("after the first up mapRoles is owned by %v, want the platform's manager alone", owners["mapRoles"])
	}

	const breakglass = "arn:aws:iam::123456789012:role/breakglass"
	edited := data["mapRoles"] + "- rolearn: " + breakglass + "\n  username: breakglass\n  groups:\n  - system:masters\n"
	if err := simcloud.WriteDrift(driftFile, simcloud.Drift{ConfigMapWrites: map[string]simcloud.ConfigMapWrite{
		component + "/kube-system/aws-auth": {Manager: "kubectl-edit", Data: map[string]string{"mapRoles": edited}},
	}}); err != nil {
		t.Fatal(err)
	}
	mappings = append(mappings, eksplatform.RoleMappingArgs{
		RoleArn: pulumi.String("arn:aws:iam::123456789012:role/auditors"), Username: pulumi.String("auditors"),
	})
	_, err = s.Up(ctx)
	if err == nil || !strings.Contains(err.Error(), `conflict with "kubectl-edit"`) {
		t.Fatalf("up after a foreign mapping: err = %v, want the field conflict with kubectl-edit", err)
	}
	data, _, _, err = simcloud.LiveConfigMap(ws.Journal, component, "kube-system", "aws-auth")
	if err != nil || data["mapRoles"] != edited {
		t.Errorf("the refused up changed aws-auth (err %v):\n%s", err, data["mapRoles"])
	}
}
