package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/sdk/go/eksplatform"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/journal"
	"github.com/eksplatform/pulumi-eksplatform/tools/internal/runner"
	"github.com/eksplatform/pulumi-eksplatform/tools/simcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestGoAwsAuthForeignMappingIsRefused (docs/ordering.md rule 3, who owns the
// mappings): a CONFIG_MAP platform writes aws-auth; a person then adds a break-glass
// mapping with `kubectl edit`; the next up, which adds a mapping of its own, fails with
// the provider's field conflict naming that person's manager, and the live aws-auth
// still holds the break-glass mapping: it is refused, never silently dropped. The user
// then sets awsAuthTakeover (the explicit input): the up forces the apply, aws-auth's
// mapRoles is the platform's alone (the break-glass mapping dropped, as asked), and a
// second up changes nothing.
func TestGoAwsAuthForeignMappingIsRefused(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	driftFile := filepath.Join(t.TempDir(), "drift.json")
	ws := newWorkspace(t, runner.Options{Env: map[string]string{"SIMCLOUD_DRIFT": driftFile}})
	mappings := eksplatform.RoleMappingArray{eksplatform.RoleMappingArgs{
		RoleArn: pulumi.String(teamRole), Username: pulumi.String("platform-team"),
		Groups: pulumi.StringArray{pulumi.String("system:masters")},
	}}
	var takeover pulumi.BoolPtrInput
	s, err := configMapStack(ctx, ws, "e2e-awsauth-foreign", &mappings, &takeover)
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

	platformRoles := data["mapRoles"]
	const breakglass = "arn:aws:iam::123456789012:role/breakglass"
	edited := data["mapRoles"] + "- rolearn: " + breakglass + "\n  username: breakglass\n  groups:\n  - system:masters\n"
	if err := simcloud.WriteDrift(driftFile, simcloud.Drift{ConfigMapWrites: map[string]simcloud.ConfigMapWrite{
		component + "/kube-system/aws-auth": {Manager: "kubectl-edit", Data: map[string]string{"mapRoles": edited}},
	}}); err != nil {
		t.Fatal(err)
	}
	const auditors = "arn:aws:iam::123456789012:role/auditors"
	mappings = append(mappings, eksplatform.RoleMappingArgs{
		RoleArn: pulumi.String(auditors), Username: pulumi.String("auditors"),
	})
	_, err = s.Up(ctx)
	if err == nil || !strings.Contains(err.Error(), `conflict with "kubectl-edit"`) {
		t.Fatalf("up after a foreign mapping: err = %v, want the field conflict with kubectl-edit", err)
	}
	data, _, _, err = simcloud.LiveConfigMap(ws.Journal, component, "kube-system", "aws-auth")
	if err != nil || data["mapRoles"] != edited {
		t.Errorf("the refused up changed aws-auth (err %v):\n%s", err, data["mapRoles"])
	}

	requireAwsAuthTakenOver(t, ctx, ws, s, &takeover, platformRoles, breakglass, auditors)
}

// requireAwsAuthTakenOver sets awsAuthTakeover and runs up: it must succeed and leave
// aws-auth's mapRoles the platform's alone (platformRoles, what it wrote before the
// foreign write, then the added mapping), owned by the platform's manager alone, with
// the foreign mapping gone; a second up changes nothing.
func requireAwsAuthTakenOver(t *testing.T, ctx context.Context, ws *runner.Workspace, s *runner.Stack, takeover *pulumi.BoolPtrInput, platformRoles, foreign, added string) {
	t.Helper()
	*takeover = pulumi.Bool(true)
	upOnce(t, ctx, ws, s, "up with awsAuthTakeover")
	data, owners, ok, err := simcloud.LiveConfigMap(ws.Journal, component, "kube-system", "aws-auth")
	if err != nil || !ok {
		t.Fatalf("no live aws-auth after the takeover (err %v)", err)
	}
	roles := data["mapRoles"]
	if strings.Contains(roles, foreign) {
		t.Errorf("after the takeover aws-auth still maps %s:\n%s", foreign, roles)
	}
	if !strings.HasPrefix(roles, platformRoles) || !strings.Contains(roles, `- rolearn: "`+added+`"`) {
		t.Errorf("after the takeover mapRoles is not the platform's (its earlier mappings, then %s):\n%s", added, roles)
	}
	requireOwnedAndSettled(t, ctx, ws, s, owners)
}

// TestGoAwsAuthForeignMappingIsRefusedWhenEksWroteIt (docs/ordering.md rule 3): EKS wrote
// aws-auth before the platform's first up (a node group made outside the platform joined
// the cluster; modelled by a write under EKS's manager, as eksawsauth.go makes). The
// platform's create, an upsert, meets mapRoles EKS owns with another value: the up fails
// with the field conflict naming EKS, and EKS's mapping stays. With awsAuthTakeover, and
// the outside node role listed in roleMappings so its nodes keep joining, the up takes
// mapRoles over; a second up changes nothing.
func TestGoAwsAuthForeignMappingIsRefusedWhenEksWroteIt(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	driftFile := filepath.Join(t.TempDir(), "drift.json")
	ws := newWorkspace(t, runner.Options{Env: map[string]string{"SIMCLOUD_DRIFT": driftFile}})
	const outsideRole = "arn:aws:iam::123456789012:role/outside-ng-node"
	eksRoles := "- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: " + outsideRole + "\n  username: system:node:{{EC2PrivateDNSName}}\n"
	if err := simcloud.WriteDrift(driftFile, simcloud.Drift{ConfigMapWrites: map[string]simcloud.ConfigMapWrite{
		component + "/kube-system/aws-auth": {Manager: "eks", Data: map[string]string{"mapRoles": eksRoles}},
	}}); err != nil {
		t.Fatal(err)
	}
	var mappings eksplatform.RoleMappingArray
	var takeover pulumi.BoolPtrInput
	s, err := configMapStack(ctx, ws, "e2e-awsauth-eks", &mappings, &takeover)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Up(ctx); err == nil || !strings.Contains(err.Error(), `conflict with "eks"`) {
		t.Fatalf("first up over EKS's aws-auth: err = %v, want the field conflict with eks", err)
	}
	data, _, _, err := simcloud.LiveConfigMap(ws.Journal, component, "kube-system", "aws-auth")
	if err != nil || data["mapRoles"] != eksRoles {
		t.Errorf("the refused up changed EKS's aws-auth (err %v):\n%s", err, data["mapRoles"])
	}

	mappings = eksplatform.RoleMappingArray{eksplatform.RoleMappingArgs{
		RoleArn: pulumi.String(outsideRole), Username: pulumi.String("system:node:{{EC2PrivateDNSName}}"),
		Groups: pulumi.StringArray{pulumi.String("system:bootstrappers"), pulumi.String("system:nodes")},
	}}
	takeover = pulumi.Bool(true)
	upOnce(t, ctx, ws, s, "up with awsAuthTakeover")
	data, owners, _, err := simcloud.LiveConfigMap(ws.Journal, component, "kube-system", "aws-auth")
	if err != nil {
		t.Fatal(err)
	}
	roles := data["mapRoles"]
	// The platform's form (quoted scalars): its shared node role, then the listed role;
	// EKS's unquoted entry is gone.
	if strings.Contains(roles, "rolearn: "+outsideRole) || !strings.HasSuffix(roles, `- rolearn: "`+outsideRole+`"`+"\n  username: \"system:node:{{EC2PrivateDNSName}}\"\n  groups:\n    - \"system:bootstrappers\"\n    - \"system:nodes\"\n") ||
		strings.Count(roles, `- rolearn: "`) != 2 {
		t.Errorf("after the takeover mapRoles is not the platform's (its node role, then the listed outside role, in its own form):\n%s", roles)
	}
	requireOwnedAndSettled(t, ctx, ws, s, owners)
}

// configMapStack is a CONFIG_MAP platform with one node group, whose role mappings and
// awsAuthTakeover each up reads from *mappings and *takeover, so a test changes them
// between runs.
func configMapStack(ctx context.Context, ws *runner.Workspace, project string,
	mappings *eksplatform.RoleMappingArray, takeover *pulumi.BoolPtrInput) (*runner.Stack, error) {
	return ws.GoStack(ctx, project, "legacy", func(ctx *pulumi.Context) error {
		_, err := eksplatform.NewEksPlatform(ctx, component, &eksplatform.EksPlatformArgs{
			PublicSubnetIds:    pulumi.StringArray{pulumi.String(pub1), pulumi.String(pub2)},
			PrivateSubnetIds:   pulumi.StringArray{pulumi.String(priv1), pulumi.String(priv2)},
			AuthenticationMode: pulumi.String("CONFIG_MAP"),
			RoleMappings:       *mappings,
			AwsAuthTakeover:    *takeover,
			NodeGroups: eksplatform.NodeGroupArray{eksplatform.NodeGroupArgs{
				Name: pulumi.String("general"), InstanceTypes: pulumi.StringArray{pulumi.String("m5.large")},
			}},
		})
		return err
	})
}

// requireOwnedAndSettled: after a takeover the platform's manager alone owns mapRoles,
// and the next up changes nothing, in the state or in the cloud.
func requireOwnedAndSettled(t *testing.T, ctx context.Context, ws *runner.Workspace, s *runner.Stack, owners map[string][]string) {
	t.Helper()
	if len(owners["mapRoles"]) != 1 || !strings.HasPrefix(owners["mapRoles"][0], "pulumi-kubernetes-") {
		t.Errorf("after the takeover mapRoles is owned by %v, want the platform's manager alone", owners["mapRoles"])
	}
	sum, j, _ := upOnce(t, ctx, ws, s, "again with awsAuthTakeover")
	if sum.Changed() != 0 {
		t.Errorf("the up after the takeover changed resources: %s", sum)
	}
	for _, e := range j.Mutations().Entries {
		t.Errorf("the up after the takeover touched the cloud: %s", journal.Label(e))
	}
}
