package clustersettings

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// signedBy serves DescribeCluster and records the access key each request was signed
// with (SigV4's Authorization header: Credential=<key>/<date>/...).
type signedBy struct {
	mu   sync.Mutex
	keys []string
}

func (s *signedBy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	_, cred, _ := strings.Cut(auth, "Credential=")
	key, _, _ := strings.Cut(cred, "/")
	s.mu.Lock()
	s.keys = append(s.keys, key)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"cluster":{"name":"demo","arn":"`+testArn+`","status":"ACTIVE"}}`)
}

// sts answers AssumeRole (the awsQuery protocol STS speaks) with fixed credentials.
func stsServer(t *testing.T, roles *[]string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("Action") != "AssumeRole" {
			t.Errorf("STS got %v", r.Form)
		}
		*roles = append(*roles, r.Form.Get("RoleArn")+" as "+r.Form.Get("RoleSessionName"))
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>`+
			`<Credentials><AccessKeyId>ASIAASSUMED</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>`+
			`<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/deployer/s</Arn>`+
			`<AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`)
	}))
}

// The plugin's client loads credentials as the AWS tools do and reaches EKS (and STS)
// through the SDK's standard endpoint variables: the environment's keys; a profile of
// the shared config (awsProfile or aws:profile); a role assumed with them (awsRoleArn).
func TestClientCredentialsAndEndpoints(t *testing.T) {
	api := &signedBy{}
	eksSrv := httptest.NewServer(api)
	defer eksSrv.Close()
	var roles []string
	stsSrv := stsServer(t, &roles)
	defer stsSrv.Close()

	dir := t.TempDir()
	creds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(creds, []byte("[prod]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = p\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL_EKS", eksSrv.URL)
	t.Setenv("AWS_ENDPOINT_URL_STS", stsSrv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "e")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config-absent"))
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	base := settings{ClusterName: "demo", ClusterArn: testArn, Region: "us-west-2"}
	for _, tc := range []struct {
		name string
		s    settings
		key  string
	}{
		{"environment", base, "AKIAENVIRONMENT"},
		{"profile", settings{ClusterName: "demo", ClusterArn: testArn, Region: "us-west-2", Profile: "prod"}, "AKIAPROFILE"},
		{"role", settings{ClusterName: "demo", ClusterArn: testArn, Region: "us-west-2", RoleArn: "arn:aws:iam::123456789012:role/deployer"}, "ASIAASSUMED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := newClient(context.Background(), tc.s)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.DescribeCluster(context.Background(), &eks.DescribeClusterInput{Name: aws.String("demo")}); err != nil {
				t.Fatal(err)
			}
			if got := api.keys[len(api.keys)-1]; got != tc.key {
				t.Errorf("EKS request signed by %s, want %s", got, tc.key)
			}
		})
	}
	if len(roles) != 1 || roles[0] != "arn:aws:iam::123456789012:role/deployer as eksplatform-cluster-settings" {
		t.Errorf("STS AssumeRole calls %v", roles)
	}
}
