package platform

import (
	"encoding/base64"
	"flag"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/userdata/*.golden")

const testAmi = "ami-0123456789abcdef0"

// customGroup is a node group on a custom AL2023-based AMI.
func customGroup(edit func(g *NodeGroupArgs)) *Args {
	return oneGroup(func(g *NodeGroupArgs) {
		g.AmiType = strIn("CUSTOM")
		g.AmiId = strIn(testAmi)
		if edit != nil {
			edit(g)
		}
	})
}

// Every wrong combination of node customization inputs is rejected before anything is
// registered, naming the input and the fix.
func TestValidationNodeCustomization(t *testing.T) {
	br := func(g *NodeGroupArgs) { g.AmiType = strIn("BOTTLEROCKET_x86_64") }
	cases := []struct {
		name  string
		args  *Args
		wants []string
	}{
		{"CUSTOM without amiId", oneGroup(func(g *NodeGroupArgs) { g.AmiType = strIn("CUSTOM") }),
			[]string{"nodeGroups[0].amiId: missing; amiType CUSTOM runs an AMI of your own"}},
		{"amiId without CUSTOM", oneGroup(func(g *NodeGroupArgs) { g.AmiId = strIn(testAmi) }),
			[]string{"nodeGroups[0].amiId: a custom AMI needs amiType CUSTOM", "set amiType: CUSTOM"}},
		{"bad amiId", customGroup(func(g *NodeGroupArgs) { g.AmiId = strIn("ami-xyz") }),
			[]string{`nodeGroups[0].amiId: "ami-xyz" is not an AMI ID`}},
		{"releaseVersion with a custom AMI", customGroup(func(g *NodeGroupArgs) { g.ReleaseVersion = strIn("1.36.0-20260701") }),
			[]string{"nodeGroups[0].releaseVersion: EKS sets no release version on a custom AMI", "change amiId"}},
		{"bad releaseVersion", oneGroup(func(g *NodeGroupArgs) { g.ReleaseVersion = strIn("latest") }),
			[]string{`nodeGroups[0].releaseVersion: "latest" is not an EKS AMI release version`}},
		{"releaseVersion of another Kubernetes minor", oneGroup(func(g *NodeGroupArgs) { g.ReleaseVersion = strIn("1.35.2-20260701") }),
			[]string{`nodeGroups[0].releaseVersion: "1.35.2-20260701" is a release for Kubernetes 1.35, but the cluster runs 1.36`}},
		{"nodeadm on Bottlerocket", oneGroup(func(g *NodeGroupArgs) {
			br(g)
			g.NodeadmConfig = pulumi.Map{"featureGates": pulumi.Map{"InstanceIdNodeName": pulumi.Bool(true)}}
		}), []string{"nodeGroups[0].nodeadmConfig: Bottlerocket nodes do not run nodeadm", "bottlerocketSettings"}},
		{"nodeadm on AL2", func() *Args {
			a := oneGroup(func(g *NodeGroupArgs) {
				g.AmiType = strIn("AL2_x86_64")
				g.NodeadmConfig = pulumi.Map{"featureGates": pulumi.Map{"InstanceIdNodeName": pulumi.Bool(true)}}
			})
			a.KubernetesVersion, a.UpgradePolicy = strIn("1.32"), strIn("EXTENDED")
			return a
		}(), []string{"nodeGroups[0].nodeadmConfig: nodeadm runs on AL2023 nodes only"}},
		{"nodeadm sets the cluster", oneGroup(func(g *NodeGroupArgs) {
			g.NodeadmConfig = pulumi.Map{"cluster": pulumi.Map{"name": pulumi.String("other")}}
		}), []string{"nodeGroups[0].nodeadmConfig.cluster: the cluster's name, endpoint, CA and service CIDR come from the cluster"}},
		{"nodeadm unknown field", oneGroup(func(g *NodeGroupArgs) { g.NodeadmConfig = pulumi.Map{"kublet": pulumi.Map{}} }),
			[]string{`nodeGroups[0].nodeadmConfig: "kublet" is not a field of nodeadm's NodeConfig spec`}},
		{"maxPods twice", oneGroup(func(g *NodeGroupArgs) {
			g.Kubelet = &NodeKubeletArgs{MaxPods: intIn(50)}
			g.NodeadmConfig = pulumi.Map{"kubelet": pulumi.Map{"config": pulumi.Map{"maxPods": pulumi.Int(60)}}}
		}), []string{"nodeGroups[0].nodeadmConfig.kubelet.config.maxPods: also given as kubelet.maxPods"}},
		{"Bottlerocket settings on AL2023", oneGroup(func(g *NodeGroupArgs) {
			g.BottlerocketSettings = pulumi.Map{"motd": pulumi.String("hi")}
		}), []string{"nodeGroups[0].bottlerocketSettings: Bottlerocket settings apply to BOTTLEROCKET_* AMI types, not AL2023_x86_64_STANDARD"}},
		{"Bottlerocket settings on a custom AMI", customGroup(func(g *NodeGroupArgs) {
			g.BottlerocketSettings = pulumi.Map{"motd": pulumi.String("hi")}
		}), []string{"nodeGroups[0].bottlerocketSettings: Bottlerocket settings apply to BOTTLEROCKET_* AMI types, not CUSTOM"}},
		{"Bottlerocket cluster setting", oneGroup(func(g *NodeGroupArgs) {
			br(g)
			g.BottlerocketSettings = pulumi.Map{"kubernetes": pulumi.Map{"api-server": pulumi.String("https://x")}}
		}), []string{"nodeGroups[0].bottlerocketSettings.kubernetes.api-server: EKS sets it from the cluster"}},
		{"Bottlerocket max-pods twice", oneGroup(func(g *NodeGroupArgs) {
			br(g)
			g.Kubelet = &NodeKubeletArgs{MaxPods: intIn(50)}
			g.BottlerocketSettings = pulumi.Map{"kubernetes": pulumi.Map{"max-pods": pulumi.Int(60)}}
		}), []string{"nodeGroups[0].bottlerocketSettings.kubernetes.max-pods: also given in kubelet"}},
		{"Bottlerocket TOML EKS cannot merge", oneGroup(func(g *NodeGroupArgs) {
			br(g)
			g.BottlerocketSettings = pulumi.Map{"kernel": pulumi.Map{"sysctl": pulumi.Map{"a": pulumi.Array{pulumi.Int(1), pulumi.Float64(0.5)}}}}
		}), []string{"nodeGroups[0].bottlerocketSettings: kernel.sysctl.a: a list mixes types"}},
		{"userDataParts on Bottlerocket", oneGroup(func(g *NodeGroupArgs) {
			br(g)
			g.UserDataParts = []UserDataPartArgs{{ContentType: strIn("text/x-shellscript"), Content: strIn("#!/bin/sh\n")}}
		}), []string{"nodeGroups[0].userDataParts: BOTTLEROCKET_x86_64 user data is not MIME multi-part"}},
		{"bad part type", oneGroup(func(g *NodeGroupArgs) {
			g.UserDataParts = []UserDataPartArgs{{ContentType: strIn("text/plain"), Content: strIn("x")}}
		}), []string{`nodeGroups[0].userDataParts[0].contentType: "text/plain" is not a user data part type`}},
		{"empty part", oneGroup(func(g *NodeGroupArgs) {
			g.UserDataParts = []UserDataPartArgs{{ContentType: strIn("text/x-shellscript")}}
		}), []string{"nodeGroups[0].userDataParts[0].content: missing"}},
		{"part with the boundary", oneGroup(func(g *NodeGroupArgs) {
			g.UserDataParts = []UserDataPartArgs{{ContentType: strIn("text/x-shellscript"), Content: strIn("a\n--" + userDataBoundary + "\nb")}}
		}), []string{"nodeGroups[0].userDataParts[0].content: contains the platform's MIME boundary"}},
		{"kubelet on Windows", oneGroup(func(g *NodeGroupArgs) {
			g.AmiType = strIn("WINDOWS_CORE_2022_x86_64")
			g.Kubelet = &NodeKubeletArgs{MaxPods: intIn(50)}
		}), []string{"nodeGroups[0].kubelet: kubelet settings are written into nodeadm's NodeConfig"}},
		{"bad maxPods", oneGroup(func(g *NodeGroupArgs) { g.Kubelet = &NodeKubeletArgs{MaxPods: intIn(0)} }),
			[]string{"nodeGroups[0].kubelet.maxPods: 0 is less than 1"}},
		{"bad reserved resource", oneGroup(func(g *NodeGroupArgs) {
			g.Kubelet = &NodeKubeletArgs{KubeReserved: strMapIn(map[string]string{"gpu": "1"}), SystemReserved: strMapIn(map[string]string{"memory": "lots"})}
		}), []string{`nodeGroups[0].kubelet.kubeReserved: "gpu" is not a resource the kubelet reserves`, `nodeGroups[0].kubelet.systemReserved.memory: "lots" is not a Kubernetes quantity`}},
		{"capacity reservation on SPOT", oneGroup(func(g *NodeGroupArgs) {
			g.CapacityType = strIn("SPOT")
			g.CapacityReservationId = strIn("cr-0123456789abcdef0")
		}), []string{"nodeGroups[0].capacityReservationId: a capacity reservation holds On-Demand capacity, but capacityType is SPOT"}},
		{"bad capacity reservation", oneGroup(func(g *NodeGroupArgs) { g.CapacityReservationId = strIn("cr-1") }),
			[]string{`nodeGroups[0].capacityReservationId: "cr-1" is not a capacity reservation ID`}},
		{"bad placement group", oneGroup(func(g *NodeGroupArgs) { g.PlacementGroup = strIn("has space") }),
			[]string{`nodeGroups[0].placementGroup: "has space" is not a placement group name`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { requireInvalid(t, c.args, c.wants...) })
	}
}

// decodedUserData is the launch template's user data, base64-decoded.
func decodedUserData(t *testing.T, args *Args, group string) string {
	t.Helper()
	m, _ := deploy(t, "demo", args)
	raw := str(m.Find(t, "demo-ng-"+group+"-lt"), "userData")
	if raw == "" {
		t.Fatalf("launch template of %s has no userData", group)
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		t.Fatalf("userData is not base64: %v", err)
	}
	return string(b)
}

// nodeConfigs parses user data the way nodeadm does (configprovider.ParseMultipart at
// amazon-eks-ami v20260724): a MIME multi-part message whose application/node.eks.aws
// parts are NodeConfig documents. It returns their specs in order, and every part's
// content type.
func nodeConfigs(t *testing.T, userData string) (specs []map[string]any, types []string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(userData))
	if err != nil {
		t.Fatalf("user data is not a MIME message: %v\n%s", err, userData)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") {
		t.Fatalf("user data Content-Type %q (%v), want multipart", msg.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading a MIME part: %v", err)
		}
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		types = append(types, ct)
		body, _ := io.ReadAll(part)
		if ct != nodeConfigMediaType {
			continue
		}
		var doc struct {
			APIVersion string         `yaml:"apiVersion"`
			Kind       string         `yaml:"kind"`
			Spec       map[string]any `yaml:"spec"`
		}
		if err := yaml.Unmarshal(body, &doc); err != nil {
			t.Fatalf("NodeConfig part is not YAML: %v\n%s", err, body)
		}
		if doc.APIVersion != "node.eks.aws/v1alpha1" || doc.Kind != "NodeConfig" {
			t.Errorf("NodeConfig part is %s %s", doc.APIVersion, doc.Kind)
		}
		specs = append(specs, doc.Spec)
	}
	return specs, types
}

// A custom AMI is the launch template's image; the node group then has no amiType,
// version or releaseVersion (EKS rejects them), and the user data's NodeConfig carries
// the cluster's name, endpoint, CA and service CIDR, taken from the cluster.
func TestCustomAmiBootstrapsFromTheCluster(t *testing.T) {
	args := customGroup(func(g *NodeGroupArgs) {
		g.Taints = []TaintArgs{{Key: strIn("dedicated"), Value: strIn("gpu"), Effect: strIn("NO_SCHEDULE")}}
		g.Kubelet = &NodeKubeletArgs{MaxPods: intIn(58)}
	})
	m, _ := deploy(t, "demo", args)
	lt := m.Find(t, "demo-ng-general-lt")
	if got := str(lt, "imageId"); got != testAmi {
		t.Errorf("launch template imageId = %q, want %q", got, testAmi)
	}
	md := obj(lt, "metadataOptions")
	if md["httpTokens"].StringValue() != "required" || md["httpPutResponseHopLimit"].NumberValue() != 1 {
		t.Errorf("metadataOptions = %v; IMDSv2 required with hop limit 1 must hold for custom AMIs", md)
	}
	ng := m.Find(t, "demo-ng-general")
	for _, k := range []string{"amiType", "version", "releaseVersion"} {
		if _, set := ng.Inputs[resourceKey(k)]; set {
			t.Errorf("node group sets %s with a custom AMI; EKS rejects it", k)
		}
	}
	if !m.DependsOn("demo-ng-general-lt", "demo-cluster") {
		t.Errorf("the launch template does not depend on the cluster, whose details its user data holds")
	}

	specs, types := nodeConfigs(t, decodedUserData(t, args, "general"))
	if len(specs) != 1 || len(types) != 1 {
		t.Fatalf("parts %v, want one NodeConfig", types)
	}
	cluster := m.Find(t, "demo-cluster")
	_ = cluster
	c, _ := specs[0]["cluster"].(map[string]any)
	if c["name"] != "demo" || !strings.HasPrefix(c["apiServerEndpoint"].(string), "https://") ||
		c["certificateAuthority"] == "" || c["cidr"] != "172.20.0.0/16" {
		t.Errorf("NodeConfig cluster = %v, want the cluster's name, endpoint, CA and service CIDR", c)
	}
	k, _ := specs[0]["kubelet"].(map[string]any)
	if cfg, _ := k["config"].(map[string]any); cfg["maxPods"] != 58 {
		t.Errorf("kubelet.config = %v, want maxPods 58", k["config"])
	}
	if flags, _ := k["flags"].([]any); len(flags) != 1 || flags[0] != "--register-with-taints=dedicated=gpu:NoSchedule" {
		t.Errorf("kubelet.flags = %v, want the taints registered by the kubelet (EKS applies API taints late on custom AMIs)", k["flags"])
	}
}

// Without a custom AMI EKS writes the cluster's details itself: the platform's
// NodeConfig has only the kubelet settings, then the user's NodeConfig, then the user's
// parts, in that order (nodeadm merges NodeConfigs in order, a later one winning).
func TestAL2023UserDataParts(t *testing.T) {
	args := oneGroup(func(g *NodeGroupArgs) {
		g.Kubelet = &NodeKubeletArgs{MaxPods: intIn(110), KubeReserved: strMapIn(map[string]string{"cpu": "100m", "memory": "512Mi"})}
		g.NodeadmConfig = pulumi.Map{"featureGates": pulumi.Map{"InstanceIdNodeName": pulumi.Bool(true)}}
		g.UserDataParts = []UserDataPartArgs{
			{ContentType: strIn("text/x-shellscript"), Content: strIn("#!/bin/bash\necho hello\n")},
			{ContentType: strIn("text/cloud-config"), Content: pulumi.ToSecret(strIn("packages: [jq]")).(pulumi.StringOutput)},
		}
	})
	ud := decodedUserData(t, args, "general")
	specs, types := nodeConfigs(t, ud)
	if strings.Join(types, ",") != "application/node.eks.aws,application/node.eks.aws,text/x-shellscript,text/cloud-config" {
		t.Errorf("part types %v", types)
	}
	if _, has := specs[0]["cluster"]; has {
		t.Errorf("the platform's NodeConfig sets the cluster without a custom AMI; EKS writes it")
	}
	if fg, _ := specs[1]["featureGates"].(map[string]any); fg["InstanceIdNodeName"] != true {
		t.Errorf("user's NodeConfig = %v", specs[1])
	}
	// A secret part keeps the user data secret.
	m, _ := deploy(t, "demo", args)
	if v := m.Find(t, "demo-ng-general-lt").Inputs["userData"]; !v.IsSecret() {
		t.Errorf("userData holds a secret part but is not secret")
	}
	if !strings.Contains(ud, "packages: [jq]") {
		t.Errorf("the secret part's content is missing")
	}
}

// A group with nothing to customize keeps a launch template with no user data, as
// before: existing platforms see no change.
func TestNoCustomizationNoUserData(t *testing.T) {
	m, _ := deploy(t, "demo", minimalArgs())
	lt := m.Find(t, "demo-ng-general-lt")
	for _, k := range []string{"userData", "imageId", "capacityReservationSpecification", "placement", "vpcSecurityGroupIds"} {
		if _, set := lt.Inputs[resourceKey(k)]; set {
			t.Errorf("launch template sets %s without customization", k)
		}
	}
	ng := m.Find(t, "demo-ng-general")
	if str(ng, "amiType") != defaultAmiType || str(ng, "version") == "" {
		t.Errorf("node group amiType %q version %q", str(ng, "amiType"), str(ng, "version"))
	}
}

// releaseVersion pins the EKS AMI release on the node group (updated in place).
func TestReleaseVersionPinsTheAmi(t *testing.T) {
	m, _ := deploy(t, "demo", oneGroup(func(g *NodeGroupArgs) { g.ReleaseVersion = strIn("1.36.0-20260701") }))
	if got := str(m.Find(t, "demo-ng-general"), "releaseVersion"); got != "1.36.0-20260701" {
		t.Errorf("releaseVersion = %q", got)
	}
	// Bottlerocket releases are OS versions, not Kubernetes ones.
	m, _ = deploy(t, "demo", oneGroup(func(g *NodeGroupArgs) {
		g.AmiType = strIn("BOTTLEROCKET_x86_64")
		g.ReleaseVersion = strIn("1.40.0-11e6ac0b")
	}))
	if got := str(m.Find(t, "demo-ng-general"), "releaseVersion"); got != "1.40.0-11e6ac0b" {
		t.Errorf("Bottlerocket releaseVersion = %q", got)
	}
}

// A capacity reservation and a placement group go on the launch template.
func TestCapacityReservationAndPlacement(t *testing.T) {
	m, _ := deploy(t, "demo", oneGroup(func(g *NodeGroupArgs) {
		g.InstanceTypes = strsIn("p5.48xlarge")
		g.CapacityReservationId = strIn("cr-0123456789abcdef0")
		g.PlacementGroup = strIn("efa-cluster")
	}))
	lt := m.Find(t, "demo-ng-general-lt")
	target := obj(lt, "capacityReservationSpecification")["capacityReservationTarget"].ObjectValue()
	if target["capacityReservationId"].StringValue() != "cr-0123456789abcdef0" {
		t.Errorf("capacityReservationSpecification = %v", obj(lt, "capacityReservationSpecification"))
	}
	if obj(lt, "placement")["groupName"].StringValue() != "efa-cluster" {
		t.Errorf("placement = %v", obj(lt, "placement"))
	}
}

// Bottlerocket user data is TOML, the kubelet settings merged into [settings.kubernetes].
func TestBottlerocketUserData(t *testing.T) {
	args := oneGroup(func(g *NodeGroupArgs) {
		g.AmiType = strIn("BOTTLEROCKET_ARM_64")
		g.Kubelet = &NodeKubeletArgs{MaxPods: intIn(110), SystemReserved: strMapIn(map[string]string{"cpu": "10m", "memory": "100Mi", "ephemeral-storage": "1Gi"})}
		g.BottlerocketSettings = pulumi.Map{
			"motd":            pulumi.String("hello"),
			"host-containers": pulumi.Map{"admin": pulumi.Map{"enabled": pulumi.Bool(true)}},
			"kubernetes":      pulumi.Map{"node-labels": pulumi.Map{"example.com/team": pulumi.String("a")}},
		}
	})
	golden(t, "bottlerocket.toml", decodedUserData(t, args, "general"))
}

// The user data of a custom AMI with every Amazon Linux input, byte for byte.
func TestCustomAmiUserDataGolden(t *testing.T) {
	args := customGroup(func(g *NodeGroupArgs) {
		g.Kubelet = &NodeKubeletArgs{MaxPods: intIn(58), SystemReserved: strMapIn(map[string]string{"memory": "100Mi"})}
		g.NodeadmConfig = pulumi.Map{"containerd": pulumi.Map{"config": pulumi.String("[plugins.\"io.containerd.grpc.v1.cri\".containerd]\ndiscard_unpacked_layers = false\n")}}
		g.UserDataParts = []UserDataPartArgs{{ContentType: strIn("text/x-shellscript"), Content: strIn("#!/bin/bash\necho pre-join")}}
	})
	golden(t, "custom-al2023.mime", decodedUserData(t, args, "general"))
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "userdata", name+".golden")
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-golden to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

// Customization changes the launch template (a new version, rolled out in place), never
// the node group's EKS name; going to or from a custom AMI makes a new group (EKS
// cannot switch a group between an AMI ID and none).
func TestNodeCustomizationGeneration(t *testing.T) {
	base := ngName(t, oneGroup(nil), "general")
	inPlace := map[string]func(g *NodeGroupArgs){
		"kubelet": func(g *NodeGroupArgs) { g.Kubelet = &NodeKubeletArgs{MaxPods: intIn(20)} },
		"nodeadmConfig": func(g *NodeGroupArgs) {
			g.NodeadmConfig = pulumi.Map{"featureGates": pulumi.Map{"FastImagePull": pulumi.Bool(true)}}
		},
		"userDataParts": func(g *NodeGroupArgs) {
			g.UserDataParts = []UserDataPartArgs{{ContentType: strIn("text/x-shellscript"), Content: strIn("echo")}}
		},
		"releaseVersion": func(g *NodeGroupArgs) { g.ReleaseVersion = strIn("1.36.0-20260701") },
		"placement":      func(g *NodeGroupArgs) { g.PlacementGroup = strIn("pg") },
	}
	for what, edit := range inPlace {
		if got := ngName(t, oneGroup(edit), "general"); got != base {
			t.Errorf("%s: nodeGroupName %q, want %q (a launch template version, in place)", what, got, base)
		}
	}
	custom := ngName(t, customGroup(nil), "general")
	if custom == base {
		t.Errorf("a custom AMI kept the group's name; EKS needs a new group to switch to an AMI ID")
	}
	if other := ngName(t, customGroup(func(g *NodeGroupArgs) { g.AmiId = strIn("ami-0fedcba9876543210") }), "general"); other != custom {
		t.Errorf("a new custom AMI ID renamed the group (%q, was %q); it is a new launch template version", other, custom)
	}
}

func resourceKey(k string) resource.PropertyKey { return resource.PropertyKey(k) }
