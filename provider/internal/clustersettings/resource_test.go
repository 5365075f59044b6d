package clustersettings

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// fakeEKS records the calls and answers as EKS does for one cluster; each update is
// InProgress for the first DescribeUpdate, then Successful.
type fakeEKS struct {
	arn        string // "" : no cluster
	protection bool
	tier       string
	calls      []string
}

func (f *fakeEKS) DescribeCluster(_ context.Context, in *eks.DescribeClusterInput, _ ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	f.calls = append(f.calls, "DescribeCluster")
	if f.arn == "" {
		return nil, &types.ResourceNotFoundException{Message: aws.String("No cluster found for name: " + aws.ToString(in.Name) + ".")}
	}
	return &eks.DescribeClusterOutput{Cluster: &types.Cluster{Name: in.Name, Arn: aws.String(f.arn), Status: types.ClusterStatusActive,
		DeletionProtection: aws.Bool(f.protection), ControlPlaneScalingConfig: &types.ControlPlaneScalingConfig{Tier: types.ProvisionedControlPlaneTier(f.tier)}}}, nil
}

func (f *fakeEKS) UpdateClusterConfig(_ context.Context, in *eks.UpdateClusterConfigInput, _ ...func(*eks.Options)) (*eks.UpdateClusterConfigOutput, error) {
	id := fmt.Sprintf("u%d", len(f.calls))
	switch {
	case in.DeletionProtection != nil:
		f.calls = append(f.calls, fmt.Sprintf("UpdateClusterConfig deletionProtection=%t", *in.DeletionProtection))
		f.protection = *in.DeletionProtection
	case in.ControlPlaneScalingConfig != nil:
		f.calls = append(f.calls, "UpdateClusterConfig tier="+string(in.ControlPlaneScalingConfig.Tier))
		f.tier = string(in.ControlPlaneScalingConfig.Tier)
	}
	return &eks.UpdateClusterConfigOutput{Update: &types.Update{Id: aws.String(id), Status: types.UpdateStatusInProgress}}, nil
}

func (f *fakeEKS) DescribeUpdate(_ context.Context, in *eks.DescribeUpdateInput, _ ...func(*eks.Options)) (*eks.DescribeUpdateOutput, error) {
	f.calls = append(f.calls, "DescribeUpdate "+aws.ToString(in.UpdateId))
	return &eks.DescribeUpdateOutput{Update: &types.Update{Id: in.UpdateId, Status: types.UpdateStatusSuccessful}}, nil
}

func serve(f *fakeEKS) *Resource {
	return &Resource{client: func(context.Context, settings) (eksAPI, error) { return f, nil }}
}

func props(t *testing.T, m resource.PropertyMap) *pulumirpc.CreateRequest {
	t.Helper()
	s, err := marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.CreateRequest{Urn: "urn:pulumi:dev::p::eksplatform:index:ClusterSettings::demo-cluster-settings", Properties: s}
}

func TestCreateSetsEachSettingAndWaits(t *testing.T) {
	f := &fakeEKS{arn: testArn, tier: "standard"}
	resp, err := serve(f).Create(context.Background(), props(t, inputs(map[string]any{"controlPlaneTier": "tier-xl"})))
	if err != nil {
		t.Fatal(err)
	}
	want := "DescribeCluster, UpdateClusterConfig deletionProtection=true, DescribeUpdate u1, UpdateClusterConfig tier=tier-xl, DescribeUpdate u3, DescribeCluster"
	if got := strings.Join(f.calls, ", "); got != want {
		t.Errorf("calls\n %s\nwant\n %s", got, want)
	}
	out, _ := unmarshal(resp.GetProperties())
	if resp.GetId() != "demo" || !out["deletionProtection"].BoolValue() || out["controlPlaneTier"].StringValue() != "tier-xl" {
		t.Errorf("id %q outputs %v", resp.GetId(), out)
	}
}

// A second apply with EKS already there changes nothing (EKS refuses an update that
// changes nothing).
func TestCreateSkipsWhatEKSHolds(t *testing.T) {
	f := &fakeEKS{arn: testArn, protection: true, tier: "standard"}
	if _, err := serve(f).Create(context.Background(), props(t, inputs(nil))); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.calls, ", "); got != "DescribeCluster, DescribeCluster" {
		t.Errorf("calls %s, want only reads", got)
	}
}

// Credentials of another account see another cluster of the name (or none): refused
// before any change.
func TestRefusesAnotherAccountsCluster(t *testing.T) {
	for _, f := range []*fakeEKS{{arn: "arn:aws:eks:us-west-2:210987654321:cluster/demo"}, {}} {
		_, err := serve(f).Create(context.Background(), props(t, inputs(nil)))
		if err == nil || !strings.Contains(err.Error(), "clusterArn: ") || !strings.Contains(err.Error(), "123456789012") {
			t.Errorf("err %v, want a clusterArn refusal naming the platform's account", err)
		}
		if got := strings.Join(f.calls, ", "); got != "DescribeCluster" {
			t.Errorf("calls %s, want the read only", got)
		}
	}
}

func deleteReq(t *testing.T, m resource.PropertyMap) *pulumirpc.DeleteRequest {
	c := props(t, m)
	return &pulumirpc.DeleteRequest{Urn: c.Urn, Id: "demo", Properties: c.Properties}
}

func TestDeleteReleasesProtectionOnlyWhenAsked(t *testing.T) {
	f := &fakeEKS{arn: testArn, protection: true}
	if _, err := serve(f).Delete(context.Background(), deleteReq(t, inputs(nil))); err != nil {
		t.Fatal(err)
	}
	if f.protection || !strings.Contains(strings.Join(f.calls, ", "), "UpdateClusterConfig deletionProtection=false, DescribeUpdate") {
		t.Errorf("calls %v: protection still %t", f.calls, f.protection)
	}

	kept := &fakeEKS{arn: testArn, protection: true}
	if _, err := serve(kept).Delete(context.Background(), deleteReq(t, inputs(map[string]any{"releaseProtectionOnDelete": false}))); err != nil {
		t.Fatal(err)
	}
	if !kept.protection || len(kept.calls) != 0 {
		t.Errorf("protectCluster: calls %v, protection %t; want nothing touched", kept.calls, kept.protection)
	}

	gone := &fakeEKS{}
	if _, err := serve(gone).Delete(context.Background(), deleteReq(t, inputs(nil))); err != nil {
		t.Errorf("the cluster already gone: %v", err)
	}
}

func TestReadReportsDriftAndDeletion(t *testing.T) {
	f := &fakeEKS{arn: testArn, protection: false, tier: "standard"} // turned off in the console
	c := props(t, inputs(nil))
	resp, err := serve(f).Read(context.Background(), &pulumirpc.ReadRequest{Urn: c.Urn, Id: "demo", Properties: c.Properties, Inputs: c.Properties})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := unmarshal(resp.GetProperties())
	if resp.GetId() != "demo" || out["deletionProtection"].BoolValue() {
		t.Errorf("read %q %v, want deletionProtection false as EKS reports it", resp.GetId(), out)
	}
	if _, ok := out["controlPlaneTier"]; ok {
		t.Error("read reports the tier the inputs leave to EKS")
	}
	resp, err = serve(&fakeEKS{}).Read(context.Background(), &pulumirpc.ReadRequest{Urn: c.Urn, Id: "demo", Properties: c.Properties})
	if err != nil || resp.GetId() != "" {
		t.Errorf("a deleted cluster reads as id %q, err %v; want it gone", resp.GetId(), err)
	}
}

func TestSecretInputsStaySecret(t *testing.T) {
	f := &fakeEKS{arn: testArn, tier: "standard", protection: true}
	resp, err := serve(f).Create(context.Background(), props(t, inputs(map[string]any{
		"controlPlaneTier": resource.MakeSecret(resource.NewProperty("tier-xl")), "profile": resource.MakeSecret(resource.NewProperty("prod"))})))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := unmarshal(resp.GetProperties())
	for _, k := range []resource.PropertyKey{"controlPlaneTier", "profile"} {
		if !out[k].IsSecret() {
			t.Errorf("%s is plain in the state: %v", k, out[k])
		}
	}
}
