// Package constructtest drives a component plugin's Construct the way the Pulumi engine
// does, so tests see inputs as the calling SDK sends them: plain values, Outputs with
// dependencies, secrets, and unknowns at preview.
//
// Run serves a mock engine (ResourceMonitor and Engine) over gRPC on localhost, marshals
// the inputs into a pulumirpc.ConstructRequest as the engine's provider plugin does
// (unknowns, secrets, resources and output values kept; input dependencies per top-level
// key), and hands the request to provider.ConstructRPC, the function the plugin's gRPC
// server calls: it checks and prepares the raw inputs (provider.PrepareInputs; a type
// it does not know passes as it is) and calls pulumiprovider.Construct. The SDK then
// unmarshals the request into ConstructInputs exactly as in production, and every resource the component
// registers travels back over gRPC to the mock, which records it and answers through a
// pulumi.MockResourceMonitor (provider/internal/mocktest by default).
package constructtest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/provider"
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/mocktest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// Mode is the kind of deployment Construct runs in.
type Mode int

const (
	// Up is `pulumi up`: every input is known.
	Up Mode = iota
	// Preview is `pulumi preview` (a dry run): inputs may be unknown, and so is every
	// output a provider computes on create.
	Preview
)

func (m Mode) String() string {
	if m == Preview {
		return "preview"
	}
	return "up"
}

// Options say what to construct.
type Options struct {
	// Construct is the plugin's construct function, as its server calls it.
	Construct pulumiprovider.ConstructFunc
	// Type and Name of the component.
	Type, Name string
	// Inputs as the calling program's SDK registered them.
	Inputs resource.PropertyMap
	Mode   Mode
	// Mocks answer registrations and invokes; nil means mocktest.New().
	Mocks pulumi.MockResourceMonitor
	// Project and Stack default to "project" and "stack".
	Project, Stack string
	// Config is the stack configuration ("aws:region" → "us-west-2").
	Config map[string]string
	// Timeout bounds the whole Construct; zero means a minute.
	Timeout time.Duration
}

// Registered is one resource registration as the engine received it.
type Registered struct {
	URN, Type, Name string
	Custom, Remote  bool
	// ParentURN is the parent's URN (the stack's for the component itself).
	ParentURN string
	// Provider is the explicit provider reference ("urn::id"), "" for the default.
	Provider string
	// Inputs with secrets and unknowns kept (output values are reduced to their
	// element, secret or computed as they were).
	Inputs resource.PropertyMap
	// Dependencies are the explicit DependsOn URNs; PropertyDeps the URNs each input
	// came from.
	Dependencies []string
	PropertyDeps map[string][]string
}

// AllDeps is every URN the resource depends on directly, sorted.
func (r Registered) AllDeps() []string {
	set := map[string]bool{}
	for _, d := range r.Dependencies {
		set[d] = true
	}
	for _, ds := range r.PropertyDeps {
		for _, d := range ds {
			set[d] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// Result is what one Construct did.
type Result struct {
	// URN of the component, and its state as Construct returned it ("" and nil on error).
	URN   string
	State resource.PropertyMap
	// Resources are every registration, in order, the component's own included.
	Resources []Registered
	// Outputs are the RegisterResourceOutputs calls, by URN.
	Outputs map[string]resource.PropertyMap
	// Logs are the messages logged through the engine.
	Logs []Log
	// Mocks are the mocks that answered.
	Mocks pulumi.MockResourceMonitor
}

// Children are the registrations other than the component itself.
func (r *Result) Children(componentType string) []Registered {
	var out []Registered
	for _, x := range r.Resources {
		if x.Type != componentType {
			out = append(out, x)
		}
	}
	return out
}

// OfType returns the registrations of one type, in order.
func (r *Result) OfType(typ string) []Registered {
	var out []Registered
	for _, x := range r.Resources {
		if x.Type == typ {
			out = append(out, x)
		}
	}
	return out
}

// Named returns the registration with a name and whether there is one.
func (r *Result) Named(name string) (Registered, bool) {
	for _, x := range r.Resources {
		if x.Name == name {
			return x, true
		}
	}
	return Registered{}, false
}

// Names lists every registered name, in order.
func (r *Result) Names() []string {
	var out []string
	for _, x := range r.Resources {
		out = append(out, x.Name)
	}
	return out
}

// Run constructs the component and returns what was registered, also on error (so a
// test can check that bad input created nothing). The error is the message the engine
// would show the user.
func Run(opts Options) (*Result, error) {
	if opts.Project == "" {
		opts.Project = "project"
	}
	if opts.Stack == "" {
		opts.Stack = "stack"
	}
	if opts.Mocks == nil {
		opts.Mocks = mocktest.New()
	}
	if opts.Timeout == 0 {
		opts.Timeout = time.Minute
	}
	m := &monitor{
		project: opts.Project, stack: opts.Stack, dryRun: opts.Mode == Preview,
		mocks: opts.Mocks, outputs: map[string]resource.PropertyMap{},
	}

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := grpc.NewServer()
	pulumirpc.RegisterResourceMonitorServer(srv, m)
	pulumirpc.RegisterEngineServer(srv, m)
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()
	addr := lis.Addr().String()

	engineConn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	defer func() { _ = engineConn.Close() }()

	req, err := constructRequest(opts, addr, m.stackURN())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	resp, cerr := provider.ConstructRPC(ctx, req, engineConn, opts.Construct)

	m.mu.Lock()
	res := &Result{
		Resources: slices.Clone(m.registered),
		Outputs:   maps.Clone(m.outputs),
		Logs:      slices.Clone(m.logs),
		Mocks:     opts.Mocks,
	}
	m.mu.Unlock()
	if cerr != nil {
		return res, engineError(cerr)
	}
	res.URN = resp.GetUrn()
	res.State, err = plugin.UnmarshalProperties(resp.GetState(), inOpts)
	if err != nil {
		return res, fmt.Errorf("constructtest: unmarshaling the component's state: %w", err)
	}
	return res, nil
}

// constructRequest is what the engine's provider plugin sends (pulumi's
// plugin.provider.Construct): the inputs marshalled with unknowns, secrets, resources
// and output values kept, and each top-level input's dependencies.
func constructRequest(opts Options, monitorAddr, stackURN string) (*pulumirpc.ConstructRequest, error) {
	inputs, err := plugin.MarshalProperties(opts.Inputs, plugin.MarshalOptions{
		KeepUnknowns:     true,
		KeepSecrets:      true,
		KeepResources:    true,
		KeepOutputValues: true,
		PropagateNil:     true,
	})
	if err != nil {
		return nil, fmt.Errorf("constructtest: marshaling inputs: %w", err)
	}
	deps := map[string]*pulumirpc.ConstructRequest_PropertyDependencies{}
	for k, v := range opts.Inputs {
		// The dependencies the calling SDK reports are those of the value's Outputs and
		// resource references, which the plugin gathers the same way.
		var urns []string
		for _, u := range provider.DependenciesOf(v) {
			urns = append(urns, string(u))
		}
		if len(urns) > 0 {
			deps[string(k)] = &pulumirpc.ConstructRequest_PropertyDependencies{Urns: urns}
		}
	}
	return &pulumirpc.ConstructRequest{
		Project:           opts.Project,
		Stack:             opts.Stack,
		Organization:      "organization",
		Config:            opts.Config,
		DryRun:            opts.Mode == Preview,
		Parallel:          16,
		MonitorEndpoint:   monitorAddr,
		Type:              opts.Type,
		Name:              opts.Name,
		Parent:            stackURN,
		Inputs:            inputs,
		InputDependencies: deps,
	}, nil
}

// engineError is the message the engine shows for a failed Construct: the gRPC status
// message, without the "rpc error: code = ..." wrapping.
func engineError(err error) error {
	if s, ok := status.FromError(err); ok {
		return errors.New(s.Message())
	}
	return err
}

// Dependency returns an Output value as an SDK sends one for a known value that came
// from another resource.
func Dependency(v resource.PropertyValue, urns ...string) resource.PropertyValue {
	return resource.NewProperty(resource.Output{Element: v, Known: true, Dependencies: toURNs(urns)})
}

// Unknown returns an Output value unknown at preview, from other resources.
func Unknown(urns ...string) resource.PropertyValue {
	return resource.NewProperty(resource.Output{Known: false, Dependencies: toURNs(urns)})
}

// Secret returns a secret value as an SDK sends one.
func Secret(v resource.PropertyValue) resource.PropertyValue { return resource.MakeSecret(v) }

func toURNs(urns []string) []resource.URN {
	out := make([]resource.URN, len(urns))
	for i, u := range urns {
		out[i] = resource.URN(u)
	}
	return out
}

// ContainsString reports whether s appears in v anywhere, secret or not; Plain reports it
// only outside secrets.
func ContainsString(v resource.PropertyValue, s string, plainOnly bool) bool {
	switch {
	case v.IsSecret():
		return !plainOnly && ContainsString(v.SecretValue().Element, s, plainOnly)
	case v.IsComputed():
		return false
	case v.IsOutput():
		if v.OutputValue().Secret && plainOnly {
			return false
		}
		return ContainsString(v.OutputValue().Element, s, plainOnly)
	case v.IsString():
		return strings.Contains(v.StringValue(), s)
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			if ContainsString(e, s, plainOnly) {
				return true
			}
		}
	case v.IsObject():
		for k, e := range v.ObjectValue() {
			if strings.Contains(string(k), s) || ContainsString(e, s, plainOnly) {
				return true
			}
		}
	}
	return false
}
