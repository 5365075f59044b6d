package clustersettings

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/eksplatform/pulumi-eksplatform/provider/internal/settingsapi"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Resource serves the gRPC resource methods for settingsapi.Token.
type Resource struct {
	// client makes the EKS client for the settings (newClient; tests replace it).
	client func(context.Context, settings) (eksAPI, error)
}

// New returns the resource provider that calls the real EKS API.
func New() *Resource {
	return &Resource{client: func(ctx context.Context, s settings) (eksAPI, error) { return newClient(ctx, s) }}
}

var marshalOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	return plugin.UnmarshalProperties(s, marshalOpts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, marshalOpts)
}

// Check validates every input, each failure naming its property.
func (r *Resource) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	_, _, failures := readSettings(news)
	resp := &pulumirpc.CheckResponse{Inputs: req.GetNews()}
	for _, f := range failures {
		resp.Failures = append(resp.Failures, &pulumirpc.CheckFailure{Property: f.Property, Reason: f.Error()})
	}
	return resp, nil
}

// Diff: the cluster's name, ARN or region replace; the settings update in place.
func (r *Resource) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	c := diffSettings(olds, news)
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true,
		DetailedDiff: map[string]*pulumirpc.PropertyDiff{}}
	if !c.Changed() {
		return resp, nil
	}
	resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	resp.Replaces = c.Replaces
	for _, k := range c.Replaces {
		resp.Diffs = append(resp.Diffs, k)
		resp.DetailedDiff[k] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_UPDATE_REPLACE, InputDiff: true}
	}
	for _, k := range c.Updates {
		resp.Diffs = append(resp.Diffs, k)
		resp.DetailedDiff[k] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_UPDATE, InputDiff: true}
	}
	return resp, nil
}

// stateSettings reads a state's properties and the settings they hold (Read, Delete).
func stateSettings(props *structpb.Struct) (resource.PropertyMap, settings, error) {
	state, err := unmarshal(props)
	if err != nil {
		return nil, settings{}, err
	}
	s, err := settingsOf(state)
	return state, s, err
}

// settingsOf reads known settings (at create, update, read and delete every value is known).
func settingsOf(m resource.PropertyMap) (settings, error) {
	s, known, failures := readSettings(m)
	if len(failures) > 0 {
		return s, failures[0]
	}
	if !known {
		return s, errors.New("clusterSettings: an input is still unknown outside preview")
	}
	return s, nil
}

// outputs are the inputs with what EKS holds for the settings the inputs manage. A
// secret input stays secret.
func outputs(inputs resource.PropertyMap, l live, s settings) resource.PropertyMap {
	out := inputs.Copy()
	set := func(key string, v resource.PropertyValue) {
		if inputs[resource.PropertyKey(key)].IsSecret() {
			v = resource.MakeSecret(v)
		}
		out[resource.PropertyKey(key)] = v
	}
	if s.DeletionProtection != nil {
		set(settingsapi.DeletionProtection, resource.NewBoolProperty(l.DeletionProtection))
	}
	if s.Tier != nil {
		set(settingsapi.ControlPlaneTier, resource.NewStringProperty(l.Tier))
	}
	return out
}

// converge applies the inputs to the cluster and returns the outputs.
func (r *Resource) converge(ctx context.Context, props *structpb.Struct, preview bool) (string, *structpb.Struct, error) {
	inputs, err := unmarshal(props)
	if err != nil {
		return "", nil, err
	}
	if preview {
		return "", props, nil
	}
	s, err := settingsOf(inputs)
	if err != nil {
		return "", nil, err
	}
	api, err := r.client(ctx, s)
	if err != nil {
		return "", nil, err
	}
	l, err := target(ctx, api, s)
	if err != nil {
		return "", nil, err
	}
	if err := apply(ctx, api, s, l); err != nil {
		return "", nil, err
	}
	if l, err = describe(ctx, api, s.ClusterName); err != nil {
		return "", nil, err
	}
	out, err := marshal(outputs(inputs, l, s))
	return s.ClusterName, out, err
}

// Create sets the settings on the cluster and waits for EKS to finish.
func (r *Resource) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	id, out, err := r.converge(ctx, req.GetProperties(), req.GetPreview())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: out}, nil
}

// Update sets the changed settings and waits for EKS to finish.
func (r *Resource) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	_, out, err := r.converge(ctx, req.GetNews(), req.GetPreview())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: out}, nil
}

// Read reports what EKS holds (DescribeCluster), so a setting changed outside Pulumi
// shows in refresh and the next update repairs it; a cluster that is gone takes the
// settings with it.
func (r *Resource) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	state, s, err := stateSettings(req.GetProperties())
	if err != nil {
		return nil, err
	}
	api, err := r.client(ctx, s)
	if err != nil {
		return nil, err
	}
	l, err := describe(ctx, api, s.ClusterName)
	if errors.Is(err, errNotFound) {
		return &pulumirpc.ReadResponse{}, nil
	}
	if err != nil {
		return nil, err
	}
	if l.Arn != s.ClusterArn {
		return nil, fmt.Errorf("clusterArn: the plugin's AWS credentials see EKS cluster %s as %s, not %s; run pulumi with the credentials the aws provider uses", s.ClusterName, l.Arn, s.ClusterArn)
	}
	out, err := marshal(outputs(state, l, s))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: out, Inputs: req.GetInputs()}, nil
}

// Delete runs before the cluster's own delete (the settings depend on the cluster, and
// the engine deletes dependents first). It is called when the platform is destroyed or
// its cluster replaced, never on a plain update: with releaseProtectionOnDelete
// (protectCluster false) it turns deletion protection off so that delete succeeds;
// otherwise it leaves the cluster as it is (with protectCluster the engine refuses the
// cluster's delete anyway, and AWS keeps refusing deletes from outside Pulumi).
func (r *Resource) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	_, s, err := stateSettings(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if !s.Release {
		return &emptypb.Empty{}, nil
	}
	api, err := r.client(ctx, s)
	if err != nil {
		return nil, err
	}
	l, err := target(ctx, api, s)
	if errors.Is(err, errNotFound) { // the cluster is gone already: nothing to release
		return &emptypb.Empty{}, nil
	}
	if err != nil {
		return nil, err
	}
	if !l.DeletionProtection {
		return &emptypb.Empty{}, nil
	}
	return &emptypb.Empty{}, update(ctx, api, s.ClusterName, &eks.UpdateClusterConfigInput{
		Name: aws.String(s.ClusterName), DeletionProtection: aws.Bool(false),
	})
}
