package simcloud

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

// testScale makes a 9-minute cluster take 54 ms and a Fargate profile 18 ms.
const testScale = 0.0001

// newServer is a simulated cloud without API servers: the simulator's rules about AWS
// need none, and each would cost a control plane's start (kubeServers have them).
func newServer(t *testing.T, name, journal, fail string) *Server {
	t.Helper()
	s, err := NewServer(Options{Name: name, Journal: journal, Scale: testScale, FailCreate: fail, Today: pinnedToday, NoKubeAPI: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newKubeServer is a simulated cloud whose clusters have real API servers (the
// repository's bin/kube-apiserver and bin/etcd), stopped when the test ends.
func newKubeServer(t *testing.T, name, journal string) *Server {
	t.Helper()
	t.Setenv("SIMCLOUD_KUBE_BIN", repoBin(t))
	s, err := NewServer(Options{Name: name, Journal: journal, Scale: testScale, Today: pinnedToday})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// repoBin is the repository's bin/.
func repoBin(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("..", "..", "bin"))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func tempJournal(t *testing.T) string { return filepath.Join(t.TempDir(), "journal.jsonl") }

func urnOf(typ, name string) string { return "urn:pulumi:dev::proj::" + typ + "::" + name }

func props(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := marshal(resource.NewPropertyMapFromMap(m))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func unprops(t *testing.T, s *structpb.Struct) resource.PropertyMap {
	t.Helper()
	m, err := unmarshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func create(t *testing.T, s *Server, typ, name string, in map[string]any) (string, resource.PropertyMap, error) {
	t.Helper()
	resp, err := s.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urnOf(typ, name), Properties: props(t, in)})
	if err != nil {
		return "", nil, err
	}
	return resp.Id, unprops(t, resp.Properties), nil
}

func mustCreate(t *testing.T, s *Server, typ, name string, in map[string]any) (string, resource.PropertyMap) {
	t.Helper()
	id, out, err := create(t, s, typ, name, in)
	if err != nil {
		t.Fatalf("create %s %s: %v", typ, name, err)
	}
	return id, out
}

func diff(t *testing.T, s *Server, typ string, olds, news map[string]any) *pulumirpc.DiffResponse {
	t.Helper()
	resp, err := s.Diff(context.Background(), &pulumirpc.DiffRequest{
		Urn: urnOf(typ, "r"), Olds: props(t, olds), OldInputs: props(t, olds), News: props(t, news),
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func readJournal(t *testing.T, path string) []Entry {
	t.Helper()
	es, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func clusterInputs(name string) map[string]any {
	return map[string]any{
		"name":    name,
		"roleArn": "arn:aws:iam::123456789012:role/" + name + "-cluster",
		"vpcConfig": map[string]any{
			"subnetIds":            []any{"subnet-b", "subnet-a"},
			"endpointPublicAccess": true,
		},
		"accessConfig": map[string]any{"authenticationMode": "API"},
	}
}
