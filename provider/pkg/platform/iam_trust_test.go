package platform

import (
	"encoding/json"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/iampolicy"
)

func TestIrsaTrustIsScopedToOneServiceAccountAndAudience(t *testing.T) {
	doc := irsaTrust("arn:aws:iam::1:oidc-provider/oidc.example/id/X", "oidc.example/id/X", "kube-system", "ebs-csi-controller-sa")
	var parsed policy
	if err := json.Unmarshal([]byte(doc.JSON()), &parsed); err != nil {
		t.Fatal(err)
	}
	s := parsed.Statement[0]
	eq := s.Condition["StringEquals"]
	if s.Principal.Federated != "arn:aws:iam::1:oidc-provider/oidc.example/id/X" || s.Action[0] != "sts:AssumeRoleWithWebIdentity" ||
		eq["oidc.example/id/X:sub"] != "system:serviceaccount:kube-system:ebs-csi-controller-sa" ||
		eq["oidc.example/id/X:aud"] != "sts.amazonaws.com" || len(s.Condition) != 1 || len(eq) != 2 {
		t.Errorf("trust %+v", s)
	}
}

func TestFargateTrustPartition(t *testing.T) {
	// The trust names the cluster's partition, so it works in aws-cn and aws-us-gov.
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(fargateTrust("aws-cn", "cn-north-1", "123456789012", "prod").JSON()), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Statement[0].Condition["ArnLike"]["aws:SourceArn"]; got != "arn:aws-cn:eks:cn-north-1:123456789012:fargateprofile/prod/*" {
		t.Errorf("SourceArn = %q", got)
	}
}
