package provider

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil/rpcerror"
	pulumiprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// server is the plugin's gRPC resource provider: what pulumiprovider.ComponentMain
// serves, except that Construct prepares the raw inputs first (PrepareInputs), which
// ComponentMain's unexported provider cannot be made to do.
type server struct {
	pulumirpc.UnimplementedResourceProviderServer

	host      *pulumiprovider.HostClient
	schema    []byte
	construct pulumiprovider.ConstructFunc
}

// NewServer returns the plugin's resource provider, talking to the engine through host.
func NewServer(host *pulumiprovider.HostClient) (pulumirpc.ResourceProviderServer, error) {
	schema, err := Schema(Version)
	if err != nil {
		return nil, err
	}
	return &server{host: host, schema: schema, construct: Construct}, nil
}

// ConstructRPC serves one Construct call exactly as the plugin does: it checks and
// prepares the raw inputs (PrepareInputs), then hands the request to the SDK's
// pulumiprovider.Construct with construct.
//
// A failed `pulumi up` may show, after the real error, "eksplatform:index:EksPlatform
// resource '<name>' has a problem: grpc: the client connection is closing". That message
// is the engine's, not the plugin's: when a child's step fails, the engine cancels the
// deployment without answering the component's pending child registrations (the failed
// step's done channel is never signalled), so this Construct is still waiting for them
// when the engine closes its connection to the plugin; its gRPC client then fails the
// in-flight Construct locally with codes.Canceled "grpc: the client connection is
// closing", and the goroutine that ran it (resmon.RegisterResource in pulumi's
// pkg/resource/deploy/source_eval.go) reports every Construct error as "has a problem",
// even after the deployment was cancelled. The plugin never receives an error or a
// Cancel call before its request context is cancelled by that close, so it has nothing to
// answer earlier, and whatever it answers then cannot reach the engine.
func ConstructRPC(ctx context.Context, req *pulumirpc.ConstructRequest, engineConn *grpc.ClientConn,
	construct pulumiprovider.ConstructFunc,
) (*pulumirpc.ConstructResponse, error) {
	prepared, err := PrepareInputs(req)
	if err != nil {
		// As the SDK returns the errors of construct.
		return nil, rpcerror.WrapDetailedError(err)
	}
	return pulumiprovider.Construct(ctx, prepared, engineConn, construct)
}

// GetPluginInfo returns the plugin's version.
func (p *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

// GetSchema returns the package schema.
func (p *server) GetSchema(_ context.Context, req *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	if v := req.GetVersion(); v != 0 {
		return nil, fmt.Errorf("unsupported schema version %d", v)
	}
	schema := string(p.schema)
	if schema == "" {
		schema = "{}"
	}
	return &pulumirpc.GetSchemaResponse{Schema: schema}, nil
}

// Configure accepts secrets, resources and output values, and supports preview.
func (p *server) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{
		AcceptSecrets:   true,
		SupportsPreview: true,
		AcceptResources: true,
		AcceptOutputs:   true,
	}, nil
}

// Construct creates a component and returns its state.
func (p *server) Construct(ctx context.Context, req *pulumirpc.ConstructRequest) (*pulumirpc.ConstructResponse, error) {
	if p.host == nil {
		return nil, status.Error(codes.FailedPrecondition, "the plugin is not attached to an engine")
	}
	return ConstructRPC(ctx, req, p.host.EngineConn(), p.construct)
}

// Call is not implemented: the component has no methods.
func (p *server) Call(context.Context, *pulumirpc.CallRequest) (*pulumirpc.CallResponse, error) {
	return nil, status.Error(codes.Unimplemented, "Call is not yet implemented")
}

// Cancel has nothing to stop: every Construct ends with its deployment.
func (p *server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Attach connects to the engine of an already running plugin.
func (p *server) Attach(_ context.Context, req *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	host, err := pulumiprovider.NewHostClient(req.GetAddress())
	if err != nil {
		return nil, err
	}
	p.host = host
	return &emptypb.Empty{}, nil
}

// GetMapping has no conversion mapping.
func (p *server) GetMapping(context.Context, *pulumirpc.GetMappingRequest) (*pulumirpc.GetMappingResponse, error) {
	return &pulumirpc.GetMappingResponse{Provider: "", Data: nil}, nil
}
