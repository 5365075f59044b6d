package platform

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// deployWithKubeconfig deploys and returns the kubeconfig output's value and secretness.
func deployWithKubeconfig(t *testing.T, args *Args) (*mocktest.Mocks, kubeconfig, bool) {
	t.Helper()
	m := mocktest.New()
	var raw string
	var secret bool
	err := m.Run(func(ctx *pulumi.Context) error {
		p, err := New(ctx, "demo", args)
		if err != nil {
			return err
		}
		secret = pulumi.IsSecret(p.Kubeconfig)
		p.Kubeconfig.ApplyT(func(s string) string { raw = s; return s })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var kc kubeconfig
	if err := json.Unmarshal([]byte(raw), &kc); err != nil {
		t.Fatalf("kubeconfig is not JSON/YAML: %v\n%s", err, raw)
	}
	return m, kc, secret
}

func TestKubeconfigIsSecretAndRunsGetToken(t *testing.T) {
	_, kc, secret := deployWithKubeconfig(t, minimalArgs())
	if !secret {
		t.Error("kubeconfig output must be secret")
	}
	if kc.CurrentContext != "demo" || len(kc.Clusters) != 1 || kc.Clusters[0].Cluster.Server != "https://"+mocktest.Hash("demo")+".gr7.us-west-2.eks.amazonaws.com" ||
		kc.Clusters[0].Cluster.CertificateAuthorityData == "" {
		t.Errorf("cluster entry %+v", kc)
	}
	exec := kc.Users[0].User.Exec
	if exec == nil || exec.Command != "aws" || kc.Users[0].User.Token != "" {
		t.Fatalf("user %+v must exec aws", kc.Users[0].User)
	}
	want := []string{"--region", "us-west-2", "eks", "get-token", "--cluster-name", "demo", "--output", "json"}
	if !slices.Equal(exec.Args, want) {
		t.Errorf("args %v, want %v", exec.Args, want)
	}
	if len(exec.Env) != 0 {
		t.Errorf("env %v without a profile", exec.Env)
	}
}

func TestKubeconfigProfileAndRole(t *testing.T) {
	args := minimalArgs()
	args.AwsProfile = strIn("platform-admin")
	args.AwsRoleArn = strIn("arn:aws:iam::123456789012:role/EksAdmin")
	_, kc, _ := deployWithKubeconfig(t, args)
	exec := kc.Users[0].User.Exec
	if !slices.Contains(exec.Args, "--role-arn") || exec.Args[len(exec.Args)-1] != "arn:aws:iam::123456789012:role/EksAdmin" {
		t.Errorf("args %v lack the role", exec.Args)
	}
	if len(exec.Env) != 1 || exec.Env[0] != (execEnv{Name: "AWS_PROFILE", Value: "platform-admin"}) {
		t.Errorf("env %v lacks the profile", exec.Env)
	}
}

// Rule 7 and docs/design.md "Conventions": one explicit provider, configured by the exec kubeconfig (the same
// bytes on every run), never a token by default.
func TestKubernetesProviderExecModeIsStable(t *testing.T) {
	run := func() string {
		m, _ := deploy(t, "demo", minimalArgs())
		providers := m.OfType("pulumi:providers:kubernetes")
		if len(providers) != 1 {
			t.Fatalf("want one explicit kubernetes provider, got %d", len(providers))
		}
		p := providers[0]
		if !m.DependsOn(p.Name, "demo-cluster") {
			t.Error("the provider must be built from the cluster's outputs")
		}
		if !p.Inputs["enableServerSideApply"].BoolValue() {
			t.Error("server-side apply must be on (aws-auth takeover)")
		}
		for _, c := range m.Calls() {
			if c.Token == "aws:eks/getClusterAuth:getClusterAuth" {
				t.Error("exec mode must not fetch a token")
			}
		}
		return str(p, "kubeconfig")
	}
	first, second := run(), run()
	if first == "" || first != second {
		t.Errorf("provider configuration differs between runs:\n%s\n%s", first, second)
	}
}

func TestKubernetesProviderTokenMode(t *testing.T) {
	args := minimalArgs()
	args.KubernetesProviderAuth = strIn("token")
	m, _ := deploy(t, "demo", args)
	p := m.OfType("pulumi:providers:kubernetes")[0]
	v := p.Inputs["kubeconfig"]
	if !v.IsSecret() {
		t.Fatal("a kubeconfig carrying a token must be secret")
	}
	var kc kubeconfig
	if err := json.Unmarshal([]byte(v.SecretValue().Element.StringValue()), &kc); err != nil {
		t.Fatal(err)
	}
	if kc.Users[0].User.Token != "k8s-aws-v1.mock-token" || kc.Users[0].User.Exec != nil {
		t.Errorf("user %+v, want the getClusterAuth token", kc.Users[0].User)
	}
}
