package simcloud

import (
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"gopkg.in/yaml.v3"
)

// What EKS does with a managed node group's own launch template (EKS user guide,
// "Customize managed nodes with launch templates"), which the platform's node
// customization and security groups must get right:
//
//   - With an AMI ID in the template, amiType, releaseVersion and version cannot be set
//     on the group (InvalidParameterException at once), EKS merges no user data, and
//     the user data must bootstrap the node: on an AL2023 image nodeadm needs a
//     NodeConfig with the cluster's name, endpoint, CA and service CIDR. Nodes that
//     cannot join fail the create (and an update to such a template version).
//   - With security groups in the template EKS does not add the cluster security group;
//     nodes without it cannot reach the control plane (the cluster SG is the one the
//     control plane's ENIs allow) and fail to join.

const typLaunchTemplate = "aws:ec2/launchTemplate:LaunchTemplate"

// launchTemplateOf is the launch template object a node group uses; ok is false when
// it has none the simulator made.
func (s *Server) launchTemplateOf(ng resource.PropertyMap) (resource.PropertyMap, bool) {
	id := str(ng, "launchTemplate", "id")
	if id == "" {
		return nil, false
	}
	o, ok := s.ledger.getObject(typLaunchTemplate, id)
	if !ok {
		return nil, false
	}
	props, err := decodeMap(o.Props)
	return props, err == nil
}

// checkCustomAmiParams is the immediate answer to CreateNodegroup with a custom AMI;
// it must run under the ledger's lock.
func (s *Server) checkCustomAmiParams(ng resource.PropertyMap) error {
	lt, ok := s.launchTemplateOf(ng)
	if !ok || str(lt, "imageId") == "" {
		return nil
	}
	var set []string
	for _, k := range []string{"amiType", "releaseVersion", "version"} {
		if str(ng, k) != "" {
			set = append(set, k)
		}
	}
	if len(set) > 0 {
		return fmt.Errorf("InvalidParameterException: %s cannot be specified when the launch template %s specifies an AMI ID (%s)",
			strings.Join(set, ", "), str(ng, "launchTemplate", "id"), str(lt, "imageId"))
	}
	return nil
}

// checkNodeBoot is the end of a node group's create or launch template rollout: its
// nodes must bootstrap and reach the control plane. It must run under the lock.
func (s *Server) checkNodeBoot(ng resource.PropertyMap, cluster string, v view) error {
	if cluster == "" || !v.exists(typCluster, cluster) {
		return nil
	}
	lt, ok := s.launchTemplateOf(ng)
	if !ok {
		return nil
	}
	c, ok := s.ledger.getObject(typCluster, cluster)
	if !ok {
		return nil
	}
	cl, err := decodeMap(c.Props)
	if err != nil {
		return nil
	}
	fail := func(why string) error {
		return fmt.Errorf("NodeCreationFailure: Instances failed to join the kubernetes cluster (%s)", why)
	}
	if sgs := strs(lt, "vpcSecurityGroupIds"); len(sgs) > 0 {
		if csg := str(cl, "vpcConfig", "clusterSecurityGroupId"); !slices.Contains(sgs, csg) {
			return fail(fmt.Sprintf("the launch template's security groups %v leave out the cluster security group %s, which EKS does not add when the template sets security groups", sgs, csg))
		}
	}
	if str(lt, "imageId") == "" {
		return nil
	}
	want := map[string]string{
		"name":                 cluster,
		"apiServerEndpoint":    str(cl, "endpoint"),
		"certificateAuthority": str(cl, "certificateAuthority", "data"),
		"cidr":                 str(cl, "kubernetesNetworkConfig", "serviceIpv4Cidr"),
	}
	got, err := nodeadmCluster(str(lt, "userData"))
	if err != nil {
		return fail("custom AMI " + str(lt, "imageId") + ": nodeadm: " + err.Error())
	}
	for _, k := range []string{"name", "apiServerEndpoint", "certificateAuthority", "cidr"} {
		if got[k] != want[k] {
			return fail(fmt.Sprintf("custom AMI %s: nodeadm NodeConfig spec.cluster.%s is %q, the cluster's is %q", str(lt, "imageId"), k, got[k], want[k]))
		}
	}
	return nil
}

// nodeadmCluster reads user data as nodeadm does (amazon-eks-ami v20260724,
// nodeadm/internal/configprovider: base64, then MIME multi-part, NodeConfig parts merged
// in order) and returns the merged spec.cluster.
func nodeadmCluster(userData string) (map[string]string, error) {
	if userData == "" {
		return nil, fmt.Errorf("could not find NodeConfig within UserData (the launch template has none)")
	}
	raw, err := base64.StdEncoding.DecodeString(userData)
	if err != nil {
		raw = []byte(userData)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("user data is not a MIME document: %v", err)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") {
		return nil, fmt.Errorf("MIME type is not multipart")
	}
	cluster := map[string]string{}
	found := false
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if ct != "application/node.eks.aws" {
			continue
		}
		body, _ := io.ReadAll(part)
		var doc struct {
			Kind string `yaml:"kind"`
			Spec struct {
				Cluster map[string]string `yaml:"cluster"`
			} `yaml:"spec"`
		}
		if err := yaml.Unmarshal(body, &doc); err != nil {
			return nil, fmt.Errorf("failed to decode NodeConfig: %v", err)
		}
		if doc.Kind != "NodeConfig" {
			return nil, fmt.Errorf("failed to decode %q (wrong Kind)", doc.Kind)
		}
		found = true
		for k, v := range doc.Spec.Cluster {
			cluster[k] = v
		}
	}
	if !found {
		return nil, fmt.Errorf("could not find NodeConfig within UserData")
	}
	return cluster, nil
}
