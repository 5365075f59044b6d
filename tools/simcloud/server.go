// Package simcloud is a simulated cloud for end-to-end tests of EksPlatform
// (docs/design.md, "The simulated cloud"): one resource provider plugin that
// plays aws, kubernetes or tls over in-memory state, sleeps each operation's
// typical duration (scaled), journals every operation as a JSON line and can
// inject failures. It is test infrastructure only and is never shipped to users.
//
// Environment: SIMCLOUD_PROVIDER (aws|kubernetes|tls, else from argv[0]),
// SIMCLOUD_JOURNAL (JSON-lines file; "<journal>.lock" and "<journal>.inflight/"
// are kept beside it so several plugin processes see each other's operations
// in flight), SIMCLOUD_SCALE (default 0.001), SIMCLOUD_FAIL_CREATE
// ("<type>#<n>,..."), SIMCLOUD_CALLER_ARN, SIMCLOUD_DRIFT (a JSON file of
// out-of-band changes, drift.go) and SIMCLOUD_KILL_AFTER_CREATE_OF
// ("<type>[#<n>],...": kill the engine once that create completed, interrupt.go).
package simcloud

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Versions are the plugin versions the component's SDKs ask the engine for.
var Versions = map[string]string{
	"aws":        "6.83.4",
	"kubernetes": "4.33.0",
	"tls":        "5.5.1",
}

// DefaultCallerARN is who getCallerIdentity says is deploying.
const DefaultCallerARN = "arn:aws:sts::123456789012:assumed-role/Deployer/session"

// Options configure a Server; OptionsFromEnv reads them the way the plugin does.
type Options struct {
	Name       string  // personality: aws, kubernetes or tls
	Journal    string  // SIMCLOUD_JOURNAL: JSON-lines file; "" keeps the journal in memory
	Scale      float64 // SIMCLOUD_SCALE: multiplies every simulated duration
	FailCreate string  // SIMCLOUD_FAIL_CREATE: "<type>#<n>,..."
	CallerARN  string  // SIMCLOUD_CALLER_ARN
	Drift      string  // SIMCLOUD_DRIFT: file of out-of-band changes (drift.go)
	KillAfter  string  // SIMCLOUD_KILL_AFTER_CREATE_OF: "<type>[#<n>],..." (interrupt.go)
	// NoKubeAPI (SIMCLOUD_KUBE_API=off) runs no API server: clusters keep EKS-style
	// endpoints and Kubernetes objects are only recorded. For the simulator's unit tests
	// of AWS rules, which need no Kubernetes; every end-to-end run has one.
	NoKubeAPI bool
	// Today is the simulated cloud's clock for the EKS release calendar (versions.go);
	// nil is the real date. Tests pin it.
	Today func() time.Time
}

// Personality picks aws/kubernetes/tls from SIMCLOUD_PROVIDER, else from the
// program name (pulumi-resource-<name>), so one binary serves all three.
func Personality(argv0 string) string {
	if p := os.Getenv("SIMCLOUD_PROVIDER"); p != "" {
		return p
	}
	base := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	return strings.TrimPrefix(base, "pulumi-resource-")
}

func OptionsFromEnv(name string) Options {
	return Options{
		Name:       name,
		Journal:    os.Getenv("SIMCLOUD_JOURNAL"),
		Scale:      Scale(),
		FailCreate: os.Getenv("SIMCLOUD_FAIL_CREATE"),
		CallerARN:  orDefault(os.Getenv("SIMCLOUD_CALLER_ARN"), DefaultCallerARN),
		Drift:      os.Getenv("SIMCLOUD_DRIFT"),
		KillAfter:  os.Getenv("SIMCLOUD_KILL_AFTER_CREATE_OF"),
		NoKubeAPI:  os.Getenv("SIMCLOUD_KUBE_API") == "off",
	}
}

// Server implements pulumirpc.ResourceProviderServer.
type Server struct {
	pulumirpc.UnimplementedResourceProviderServer

	opts   Options
	faults faults
	kills  faults // SIMCLOUD_KILL_AFTER_CREATE_OF
	ledger *ledger

	dying      dying  // closed when the engine is being killed (interrupt.go)
	killEngine func() // killEngineTree; tests replace it

	mu     sync.Mutex
	config resource.PropertyMap // from Configure: region, kubeconfig, ...

	planes controlPlanes // the clusters' real API servers (controlplane.go)
	kube   kubeTarget    // the kubernetes personality's API server (kubeobjects.go)

	cancelCtx context.Context // ended by Cancel so sleeping operations return
	cancel    context.CancelFunc
}

func NewServer(opts Options) (*Server, error) {
	if _, ok := Versions[opts.Name]; !ok {
		return nil, fmt.Errorf("simcloud: unknown provider %q (want aws, kubernetes or tls; set SIMCLOUD_PROVIDER or name the binary pulumi-resource-<name>)", opts.Name)
	}
	f, err := parseFaults(opts.FailCreate)
	if err != nil {
		return nil, err
	}
	k, err := parseKills(opts.KillAfter)
	if err != nil {
		return nil, err
	}
	opts.CallerARN = orDefault(opts.CallerARN, DefaultCallerARN)
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{opts: opts, faults: f, kills: k, ledger: newLedger(opts.Journal), killEngine: killEngineTree,
		config: resource.PropertyMap{}, cancelCtx: ctx, cancel: cancel}, nil
}

// Properties cross the wire with secrets and unknowns kept, so secret inputs
// come back secret; resource references arrive as their ids, as a real
// provider would store them.
var (
	unmarshalOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true}
	marshalOpts   = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}
)

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, unmarshalOpts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, marshalOpts)
}

func nowMS() int64 { return time.Now().UnixMilli() }

// --- plugin and provider configuration ---

func (s *Server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Versions[s.opts.Name]}, nil
}

func (s *Server) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{
		Schema: fmt.Sprintf(`{"name":%q,"version":%q}`, s.opts.Name, Versions[s.opts.Name]),
	}, nil
}

func (s *Server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig never replaces a provider; a change is journaled because an
// unstable provider configuration (say a fresh token) updates every run.
func (s *Server) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	o, n, err := diffInputs(req)
	if err != nil {
		return nil, err
	}
	changed := changedKeys(o, n, req.GetIgnoreChanges())
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	urn := resource.URN(req.GetUrn())
	t := nowMS()
	if err := s.ledger.record(Entry{Op: "provider-diff", Type: "pulumi:providers:" + s.opts.Name, URN: string(urn),
		Name: urnName(urn), StartMS: t, EndMS: t}); err != nil {
		return nil, err
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: changed}, nil
}

func (s *Server) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	// Older engines send the configuration as variables only; the simulator reads both.
	cfg := configFromVariables(req.GetVariables()) //nolint:staticcheck // deprecated field, still sent by engines

	if req.GetArgs() != nil {
		args, err := unmarshal(req.GetArgs())
		if err != nil {
			return nil, err
		}
		cfg = args
	}
	s.mu.Lock()
	s.config = cfg
	s.mu.Unlock()
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, AcceptResources: true, AcceptOutputs: true, SupportsPreview: true}, nil
}

func (s *Server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	s.cancel()
	return &emptypb.Empty{}, nil
}

func (s *Server) Attach(context.Context, *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (s *Server) GetMapping(context.Context, *pulumirpc.GetMappingRequest) (*pulumirpc.GetMappingResponse, error) {
	return &pulumirpc.GetMappingResponse{}, nil
}

func (s *Server) GetMappings(context.Context, *pulumirpc.GetMappingsRequest) (*pulumirpc.GetMappingsResponse, error) {
	return &pulumirpc.GetMappingsResponse{}, nil
}

// --- data sources ---

func (s *Server) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	fn, ok := invokes[req.GetTok()]
	if !ok {
		return nil, fmt.Errorf("simcloud: unknown invoke token %q", req.GetTok())
	}
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	out, err := fn(s, args)
	if err != nil {
		return nil, err
	}
	ret, err := marshal(resource.NewPropertyMapFromMap(out))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}

func urnName(u resource.URN) string {
	if u.IsValid() {
		return u.Name()
	}
	return string(u)
}
