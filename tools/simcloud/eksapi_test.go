package simcloud

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// eksClient is the real SDK client pointed at the simulated API, as the plugin's is
// through AWS_ENDPOINT_URL_EKS.
func eksClient(t *testing.T, journal string, scale float64) *eks.Client {
	t.Helper()
	srv := httptest.NewServer(NewEKSAPI(journal, scale))
	t.Cleanup(srv.Close)
	return eks.New(eks.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL),
		Credentials: aws.AnonymousCredentials{}})
}

func TestEKSAPIDescribesTheSimulatedCluster(t *testing.T) {
	journal := tempJournal(t)
	s := newServer(t, "aws", journal, "")
	api := eksClient(t, journal, 0)
	ctx := context.Background()

	_, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("demo")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("no cluster yet: err %v, want ResourceNotFoundException", err)
	}
	mustCreate(t, s, typCluster, "c", clusterInputs("demo"))
	out, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("demo")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Cluster
	if aws.ToString(c.Arn) != "arn:aws:eks:us-west-2:123456789012:cluster/demo" || c.Status != types.ClusterStatusActive ||
		aws.ToBool(c.DeletionProtection) || c.ControlPlaneScalingConfig.Tier != types.ProvisionedControlPlaneTierStandard {
		t.Errorf("cluster %+v, want the aws personality's cluster, unprotected, standard tier", c)
	}
}

// An update is InProgress for its scaled duration, then Successful, and only then does
// DescribeCluster report the new value; EKS's refusals come back as the SDK's errors.
func TestEKSAPIUpdatesTakeTheirTime(t *testing.T) {
	journal := tempJournal(t)
	s := newServer(t, "aws", journal, "")
	mustCreate(t, s, typCluster, "c", clusterInputs("demo"))
	api := eksClient(t, journal, 0.005) // a 5-minute tier change takes 1.5 s
	ctx := context.Background()

	up, err := api.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String("demo"),
		ControlPlaneScalingConfig: &types.ControlPlaneScalingConfig{Tier: types.ProvisionedControlPlaneTierTierXl}})
	if err != nil {
		t.Fatal(err)
	}
	if up.Update.Status != types.UpdateStatusInProgress || up.Update.Type != types.UpdateTypeControlPlaneScalingConfigUpdate || up.Update.CreatedAt == nil {
		t.Errorf("update %+v, want an InProgress ControlPlaneScalingConfigUpdate", up.Update)
	}
	_, err = api.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String("demo"), DeletionProtection: aws.Bool(true)})
	var inUse *types.ResourceInUseException
	if !errors.As(err, &inUse) {
		t.Errorf("a second update while one runs: err %v, want ResourceInUseException", err)
	}
	d, _ := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("demo")})
	if d.Cluster.ControlPlaneScalingConfig.Tier != types.ProvisionedControlPlaneTierStandard {
		t.Errorf("tier %s while the update runs, want standard", d.Cluster.ControlPlaneScalingConfig.Tier)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		u, err := api.DescribeUpdate(ctx, &eks.DescribeUpdateInput{Name: aws.String("demo"), UpdateId: up.Update.Id})
		if err != nil {
			t.Fatal(err)
		}
		if u.Update.Status == types.UpdateStatusSuccessful {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the update never finished")
		}
		time.Sleep(100 * time.Millisecond)
	}
	d, _ = api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("demo")})
	if d.Cluster.ControlPlaneScalingConfig.Tier != types.ProvisionedControlPlaneTierTierXl {
		t.Errorf("tier %s after the update, want tier-xl", d.Cluster.ControlPlaneScalingConfig.Tier)
	}
	var invalid *types.InvalidParameterException
	if _, err := api.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String("demo"),
		ControlPlaneScalingConfig: &types.ControlPlaneScalingConfig{Tier: "tier-xl"}}); !errors.As(err, &invalid) {
		t.Errorf("an update that changes nothing: err %v, want InvalidParameterException", err)
	}
	var calls []string
	for _, e := range readJournal(t, journal) {
		if e.Op == OpCall {
			calls = append(calls, e.Type)
		}
	}
	if len(calls) < 5 || calls[0] != "eks:UpdateClusterConfig" {
		t.Errorf("journaled calls %v", calls)
	}
}

// Rule 12's "fires without the ordering": EKS refuses to delete a protected cluster, so
// the cluster resource's delete fails until protection is off; a new cluster of the
// name starts unprotected.
func TestProtectedClusterRefusesDelete(t *testing.T) {
	journal := tempJournal(t)
	s := newServer(t, "aws", journal, "")
	id, out := mustCreate(t, s, typCluster, "c", clusterInputs("demo"))
	api := eksClient(t, journal, 0)
	ctx := context.Background()
	if _, err := api.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String("demo"), DeletionProtection: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	del := &pulumirpc.DeleteRequest{Urn: urnOf(typCluster, "c"), Id: id, Properties: props(t, out.Mappable())}
	_, err := s.Delete(ctx, del)
	if err == nil || !strings.Contains(err.Error(), "InvalidRequestException: Cluster demo has deletion protection enabled") {
		t.Fatalf("delete of a protected cluster: err %v, want EKS's InvalidRequestException", err)
	}
	if _, err := api.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String("demo"), DeletionProtection: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(ctx, del); err != nil {
		t.Fatalf("delete once protection is off: %v", err)
	}
	mustCreate(t, s, typCluster, "c", clusterInputs("demo"))
	d, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("demo")})
	if err != nil || aws.ToBool(d.Cluster.DeletionProtection) {
		t.Errorf("a new cluster of the name: %v, protection %v; want it unprotected", err, d)
	}
}
