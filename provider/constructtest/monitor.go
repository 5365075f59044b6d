package constructtest

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// monitor is the engine side of a deployment, served over gRPC to the plugin's Construct
// exactly as the engine serves it: a ResourceMonitor (registrations, invokes) and an
// Engine (logs). It records what arrives and answers through a pulumi.MockResourceMonitor.
type monitor struct {
	pulumirpc.UnimplementedResourceMonitorServer
	pulumirpc.UnimplementedEngineServer

	project, stack string
	dryRun         bool
	mocks          pulumi.MockResourceMonitor

	mu         sync.Mutex
	registered []Registered
	outputs    map[string]resource.PropertyMap
	logs       []Log
}

// features are those of the real engine that the Go SDK changes its behaviour for; output
// values are on, so child inputs that are Outputs travel with their dependencies and
// secretness as in a real deployment.
var features = []pulumirpc.ResourceMonitorFeature{
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_SECRETS,
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_OUTPUT_VALUES,
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
	pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_DELETED_WITH,
}

var legacyFeatures = map[string]bool{
	"secrets": true, "resourceReferences": true, "outputValues": true, "aliasSpecs": true, "deletedWith": true,
}

func (m *monitor) GetDeploymentInfo(context.Context, *emptypb.Empty) (*pulumirpc.DeploymentInfo, error) {
	return &pulumirpc.DeploymentInfo{Project: m.project, Stack: m.stack, DryRun: m.dryRun, SupportedFeatures: features}, nil
}

func (m *monitor) SupportsFeature(_ context.Context, req *pulumirpc.SupportsFeatureRequest) (*pulumirpc.SupportsFeatureResponse, error) {
	return &pulumirpc.SupportsFeatureResponse{HasSupport: legacyFeatures[req.GetId()]}, nil
}

// inOpts read properties the SDK sent: output values become their element (secret or
// computed as they were), as a provider's Check would see them.
var inOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}

func (m *monitor) newURN(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

func (m *monitor) RegisterResource(_ context.Context, req *pulumirpc.RegisterResourceRequest) (resp *pulumirpc.RegisterResourceResponse, err error) {
	defer recoverInto(&err)
	inputs, err := plugin.UnmarshalProperties(req.GetObject(), inOpts)
	if err != nil {
		return nil, fmt.Errorf("unmarshaling inputs of %s %s: %w", req.GetType(), req.GetName(), err)
	}
	urn := m.newURN(req.GetParent(), req.GetType(), req.GetName())
	rec := Registered{
		URN:          urn,
		Type:         req.GetType(),
		Name:         req.GetName(),
		Custom:       req.GetCustom(),
		Remote:       req.GetRemote(),
		ParentURN:    req.GetParent(),
		Provider:     req.GetProvider(),
		Inputs:       inputs,
		Dependencies: slices.Clone(req.GetDependencies()),
		PropertyDeps: map[string][]string{},
	}
	for k, d := range req.GetPropertyDependencies() {
		rec.PropertyDeps[k] = slices.Clone(d.GetUrns())
	}
	m.mu.Lock()
	m.registered = append(m.registered, rec)
	m.mu.Unlock()

	id, outs, err := m.mocks.NewResource(pulumi.MockResourceArgs{
		TypeToken:   req.GetType(),
		Name:        req.GetName(),
		Inputs:      inputs,
		Provider:    req.GetProvider(),
		ID:          req.GetImportId(),
		Custom:      req.GetCustom(),
		RegisterRPC: req,
	})
	if err != nil {
		return nil, err
	}
	if !req.GetCustom() {
		// The engine gives components no ID and echoes their (empty) inputs.
		id, outs = "", inputs
	} else if m.dryRun {
		// A preview of a create: the provider returns the inputs, and every output it
		// would compute is unknown, as is the ID.
		id, outs = "", previewOutputs(inputs, outs)
	}
	obj, err := plugin.MarshalProperties(outs, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.RegisterResourceResponse{Urn: urn, Id: id, Object: obj}, nil
}

// previewOutputs is what a preview of a create returns: the inputs, with each value the
// provider would have computed (present in outs, absent from inputs) unknown.
func previewOutputs(inputs, outs resource.PropertyMap) resource.PropertyMap {
	res := inputs.Copy()
	for k, v := range outs {
		in, ok := inputs[k]
		switch {
		case !ok:
			res[k] = resource.MakeComputed(resource.NewProperty(""))
		case in.IsObject() && v.IsObject():
			res[k] = resource.NewProperty(previewOutputs(in.ObjectValue(), v.ObjectValue()))
		}
	}
	return res
}

func (m *monitor) RegisterResourceOutputs(_ context.Context, req *pulumirpc.RegisterResourceOutputsRequest) (*emptypb.Empty, error) {
	outs, err := plugin.UnmarshalProperties(req.GetOutputs(), inOpts)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.outputs[req.GetUrn()] = outs
	m.mu.Unlock()
	return &emptypb.Empty{}, nil
}

func (m *monitor) Invoke(_ context.Context, req *pulumirpc.ResourceInvokeRequest) (resp *pulumirpc.ResourceInvokeResponse, err error) {
	defer recoverInto(&err)
	args, err := plugin.UnmarshalProperties(req.GetArgs(), plugin.MarshalOptions{KeepSecrets: true, KeepResources: true})
	if err != nil {
		return nil, err
	}
	ret, err := m.mocks.Call(pulumi.MockCallArgs{Token: req.GetTok(), Args: args, Provider: req.GetProvider()})
	if err != nil {
		return nil, err
	}
	obj, err := plugin.MarshalProperties(ret, plugin.MarshalOptions{KeepSecrets: true, KeepResources: req.GetAcceptResources()})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ResourceInvokeResponse{Return: obj}, nil
}

func (m *monitor) ReadResource(_ context.Context, req *pulumirpc.ReadResourceRequest) (resp *pulumirpc.ReadResourceResponse, err error) {
	defer recoverInto(&err)
	return nil, status.Errorf(codes.Unimplemented, "constructtest: ReadResource of %s %s is not mocked", req.GetType(), req.GetName())
}

// Log is one message the plugin logged through the engine.
type Log struct {
	Severity pulumirpc.LogSeverity
	Message  string
	URN      string
}

func (m *monitor) Log(_ context.Context, req *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	m.mu.Lock()
	m.logs = append(m.logs, Log{Severity: req.GetSeverity(), Message: req.GetMessage(), URN: req.GetUrn()})
	m.mu.Unlock()
	return &emptypb.Empty{}, nil
}

func (m *monitor) GetRootResource(context.Context, *pulumirpc.GetRootResourceRequest) (*pulumirpc.GetRootResourceResponse, error) {
	return &pulumirpc.GetRootResourceResponse{Urn: m.stackURN()}, nil
}

func (m *monitor) SetRootResource(context.Context, *pulumirpc.SetRootResourceRequest) (*pulumirpc.SetRootResourceResponse, error) {
	return &pulumirpc.SetRootResourceResponse{}, nil
}

func (m *monitor) stackURN() string {
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), "",
		resource.RootStackType, m.project+"-"+m.stack))
}

// recoverInto turns a panic in a mock (a StringValue on a secret, say) into an RPC error
// instead of a crashed test binary.
func recoverInto(err *error) {
	if r := recover(); r != nil {
		*err = status.Errorf(codes.Internal, "constructtest: mock panicked: %v\n%s", r, debug.Stack())
	}
}
