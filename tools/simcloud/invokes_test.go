package simcloud

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// invoke calls tok and decodes its result into out by the SDKs' field names,
// which is what the Go/TS/Python SDKs do with it.
func invoke(t *testing.T, s *Server, tok string, args map[string]any, out any) {
	t.Helper()
	resp, err := s.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: tok, Args: props(t, args)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(unprops(t, resp.Return).Mappable())
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields() // a field the SDK does not know means a wrong shape
	if err := dec.Decode(out); err != nil {
		t.Fatalf("%s: %v in %s", tok, err, b)
	}
}

func TestInvokesDecode(t *testing.T) {
	aws := newServer(t, "aws", "", "")

	var who struct{ AccountId, Arn, Id, UserId string }
	invoke(t, aws, "aws:index/getCallerIdentity:getCallerIdentity", nil, &who)
	if who.AccountId != "123456789012" || who.Arn != DefaultCallerARN {
		t.Errorf("caller = %+v", who)
	}

	var sess struct{ Arn, Id, IssuerArn, IssuerId, IssuerName, SessionName string }
	invoke(t, aws, "aws:iam/getSessionContext:getSessionContext", map[string]any{"arn": who.Arn}, &sess)
	if sess.IssuerArn != "arn:aws:iam::123456789012:role/Deployer" || sess.IssuerName != "Deployer" || sess.SessionName != "session" {
		t.Errorf("session = %+v", sess)
	}

	var part struct{ DnsSuffix, Id, Partition, ReverseDnsPrefix string }
	invoke(t, aws, "aws:index/getPartition:getPartition", nil, &part)
	if part.Partition != "aws" || part.DnsSuffix != "amazonaws.com" {
		t.Errorf("partition = %+v", part)
	}

	var region struct{ Description, Endpoint, Id, Name string }
	invoke(t, aws, "aws:index/getRegion:getRegion", nil, &region)
	if region.Name != "us-west-2" || region.Id != "us-west-2" {
		t.Errorf("region = %+v", region)
	}

	var auth struct{ Id, Name, Token string }
	invoke(t, aws, "aws:eks/getClusterAuth:getClusterAuth", map[string]any{"name": "demo"}, &auth)
	if auth.Name != "demo" || !strings.HasPrefix(auth.Token, "k8s-aws-v1.") {
		t.Errorf("auth = %+v", auth)
	}

	var addon struct {
		AddonName, Id, KubernetesVersion, Version string
		MostRecent                                *bool
	}
	args := map[string]any{"addonName": "kube-proxy", "kubernetesVersion": "1.32", "mostRecent": true}
	invoke(t, aws, "aws:eks/getAddonVersion:getAddonVersion", args, &addon)
	if addon.Version != "v1.32.0-eksbuild.2" || addon.MostRecent == nil || !*addon.MostRecent {
		t.Errorf("addon = %+v", addon)
	}

	tls := newServer(t, "tls", "", "")
	var chain struct {
		Certificates []struct {
			CertPem, Issuer, NotAfter, NotBefore, PublicKeyAlgorithm, SerialNumber string
			Sha1Fingerprint, SignatureAlgorithm, Subject                           string
			IsCa                                                                   bool
			MaxPathLength, Version                                                 int
		}
		Id, Url     string
		Content     *string
		VerifyChain *bool
	}
	url := "https://oidc.eks.us-west-2.amazonaws.com/id/ABC"
	invoke(t, tls, "tls:index/getCertificate:getCertificate", map[string]any{"url": url}, &chain)
	if len(chain.Certificates) != 2 || !chain.Certificates[0].IsCa || chain.Url != url {
		t.Fatalf("chain = %+v", chain)
	}
	for _, c := range chain.Certificates {
		if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(c.Sha1Fingerprint) {
			t.Errorf("fingerprint %q", c.Sha1Fingerprint)
		}
	}
}

func TestCallerARNOverride(t *testing.T) {
	s, err := NewServer(Options{Name: "aws", CallerARN: "arn:aws:iam::210987654321:user/ci", Today: pinnedToday, NoKubeAPI: true})
	if err != nil {
		t.Fatal(err)
	}
	var who struct{ AccountId, Arn, Id, UserId string }
	invoke(t, s, "aws:index/getCallerIdentity:getCallerIdentity", nil, &who)
	if who.AccountId != "210987654321" || who.Arn != "arn:aws:iam::210987654321:user/ci" {
		t.Errorf("caller = %+v", who)
	}
}

func TestUnknownInvokeNamesTheToken(t *testing.T) {
	_, err := newServer(t, "aws", "", "").Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: "aws:ec2/getVpc:getVpc"})
	if err == nil || !strings.Contains(err.Error(), "aws:ec2/getVpc:getVpc") {
		t.Errorf("err = %v", err)
	}
}
