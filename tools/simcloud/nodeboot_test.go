package simcloud

import (
	"encoding/base64"
	"strings"
	"testing"
)

func nodeConfigUserData(cluster, endpoint, ca, cidr string) string {
	doc := "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: application/node.eks.aws\n\n" +
		"---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  cluster:\n    name: " + cluster +
		"\n    apiServerEndpoint: " + endpoint + "\n    certificateAuthority: " + ca + "\n    cidr: " + cidr + "\n\n--B--\n"
	return base64.StdEncoding.EncodeToString([]byte(doc))
}

// A custom AMI's node group: EKS refuses amiType/version on it at once, and its nodes
// join only with a NodeConfig that has the cluster's details.
func TestCustomAmiNodesNeedTheClusterInNodeConfig(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	_, cl := mustCreate(t, s, typCluster, "c", clusterInputs("demo"))
	mustCreate(t, s, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"})
	endpoint := str(cl, "endpoint")
	ca := str(cl, "certificateAuthority", "data")
	cidr := str(cl, "kubernetesNetworkConfig", "serviceIpv4Cidr")
	lt := func(name, userData string) string {
		in := map[string]any{"name": name, "imageId": "ami-0123456789abcdef0"}
		if userData != "" {
			in["userData"] = userData
		}
		id, _ := mustCreate(t, s, typLaunchTemplate, name, in)
		return id
	}
	ng := func(name, ltID string, extra map[string]any) error {
		in := map[string]any{"clusterName": "demo", "nodeGroupName": "demo-" + name, "launchTemplate": map[string]any{"id": ltID, "version": "1"}}
		for k, v := range extra {
			in[k] = v
		}
		_, _, err := create(t, s, typNodeGroup, name, in)
		return err
	}

	good := lt("good", nodeConfigUserData("demo", endpoint, ca, cidr))
	if err := ng("amitype", good, map[string]any{"amiType": "AL2023_x86_64_STANDARD", "version": "1.36"}); err == nil ||
		!strings.Contains(err.Error(), "InvalidParameterException: amiType, version cannot be specified") {
		t.Errorf("custom AMI with amiType and version: err = %v, want InvalidParameterException", err)
	}
	if err := ng("good", good, nil); err != nil {
		t.Errorf("custom AMI with the cluster's NodeConfig: %v", err)
	}
	for name, ud := range map[string]string{
		"none":      "",
		"wrongcidr": nodeConfigUserData("demo", endpoint, ca, "10.100.0.0/16"),
		"noconfig":  base64.StdEncoding.EncodeToString([]byte("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/x-shellscript\n\necho\n--B--\n")),
	} {
		if err := ng(name, lt(name, ud), nil); err == nil || !strings.Contains(err.Error(), "NodeCreationFailure: Instances failed to join") {
			t.Errorf("%s: err = %v, want NodeCreationFailure", name, err)
		}
	}
}

// A launch template that sets security groups but leaves out the cluster security group
// makes nodes that cannot join (EKS adds it only when the template sets none).
func TestLaunchTemplateSecurityGroupsNeedTheClusterSG(t *testing.T) {
	s := newServer(t, "aws", tempJournal(t), "")
	_, cl := mustCreate(t, s, typCluster, "c", clusterInputs("demo"))
	mustCreate(t, s, typAddon, "vpc-cni", map[string]any{"clusterName": "demo", "addonName": "vpc-cni"})
	csg := str(cl, "vpcConfig", "clusterSecurityGroupId")
	for name, sgs := range map[string][]any{"without": {"sg-0123456789abcdef0"}, "with": {csg, "sg-0123456789abcdef0"}} {
		ltID, _ := mustCreate(t, s, typLaunchTemplate, name, map[string]any{"name": name, "vpcSecurityGroupIds": sgs})
		_, _, err := create(t, s, typNodeGroup, name, map[string]any{"clusterName": "demo", "nodeGroupName": "demo-" + name,
			"amiType": "AL2023_x86_64_STANDARD", "launchTemplate": map[string]any{"id": ltID, "version": "1"}})
		if name == "with" && err != nil {
			t.Errorf("template with the cluster SG: %v", err)
		}
		if name == "without" && (err == nil || !strings.Contains(err.Error(), "leave out the cluster security group")) {
			t.Errorf("template without the cluster SG: err = %v, want NodeCreationFailure", err)
		}
	}

}
