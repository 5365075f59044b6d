package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/settingsapi"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The plugin serves Check/Diff/CRUD for its one custom resource and refuses any other
// type; the schema does not list the resource, so no SDK has it.
func TestServerServesOnlyClusterSettings(t *testing.T) {
	srv, err := NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	news, err := plugin.MarshalProperties(resource.NewPropertyMapFromMap(map[string]any{
		"clusterName": "demo", "clusterArn": "arn:aws:eks:us-west-2:123456789012:cluster/demo", "region": "us-west-2",
		"controlPlaneTier": "tier-3xl",
	}), plugin.MarshalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	urn := "urn:pulumi:dev::p::" + "eksplatform:index:EksPlatform$" + settingsapi.Token + "::demo-cluster-settings"
	resp, err := srv.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urn, News: news})
	if err != nil {
		t.Fatal(err)
	}
	if f := resp.GetFailures(); len(f) != 1 || f[0].GetProperty() != "controlPlaneTier" {
		t.Errorf("failures %v, want one for controlPlaneTier", f)
	}
	_, err = srv.Check(context.Background(), &pulumirpc.CheckRequest{Urn: "urn:pulumi:dev::p::eksplatform:index:Other::x", News: news})
	if err == nil || !strings.Contains(err.Error(), "serves no custom resource of type eksplatform:index:Other") {
		t.Errorf("another type: err %v", err)
	}
	schema, _ := Schema(Version)
	if strings.Contains(string(schema), settingsapi.Token) {
		t.Errorf("the schema lists %s; it must stay out of the SDKs", settingsapi.Token)
	}
}
