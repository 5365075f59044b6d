package platform

import (
	"strings"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/addons"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestServiceAccountRoleAssociationNeedsOneServiceAccount: the platform's own Pod
// Identity association names one service account, so a role for several with an
// association is a bug reported as one, not an association for the first account only.
func TestServiceAccountRoleAssociationNeedsOneServiceAccount(t *testing.T) {
	m := mocktest.New()
	err := m.Run(func(ctx *pulumi.Context) error {
		p := &EksPlatform{}
		if err := ctx.RegisterComponentResource(TypeToken, "demo", p); err != nil {
			return err
		}
		b := newBuild(ctx, &config{Name: "demo", Cluster: clusterConfig{Name: "demo"}}, p)
		_, err := b.serviceAccountRole(serviceAccountRoleSpec{
			part: "agent-role", roleName: "demo-agent", description: "agent",
			identity: addons.PodIdentity, namespace: "vendor", serviceAccounts: []string{"agent", "node"},
			association: &podIdentityAssociation{part: "agent-pod-identity", cluster: pulumi.String("demo")},
		}, &identityResult{})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "internal error: role agent-role: the platform makes a Pod Identity association for one service account, not 2") {
		t.Fatalf("err = %v", err)
	}
	if got := m.OfType(associationType); len(got) != 0 {
		t.Errorf("associations made: %v", got)
	}
}
