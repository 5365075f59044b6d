package simcloud

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Check accepts anything: the simulator validates nothing and autonames
// nothing (unnamed resources take their URN name), so inputs pass through.
// diffInputs returns the old and new inputs of a Diff or DiffConfig request. Engines
// that do not send the old inputs get compared against the old state.
func diffInputs(req *pulumirpc.DiffRequest) (olds, news resource.PropertyMap, err error) {
	old := req.GetOldInputs()
	if old == nil {
		old = req.GetOlds()
	}
	if olds, err = unmarshal(old); err != nil {
		return nil, nil, err
	}
	if news, err = unmarshal(req.GetNews()); err != nil {
		return nil, nil, err
	}
	return olds, news, nil
}

func (s *Server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *Server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	o, n, err := diffInputs(req)
	if err != nil {
		return nil, err
	}
	if req.GetOldInputs() == nil { // state holds computed outputs too; only compare what is an input now
		for k := range o {
			if _, ok := n[k]; !ok {
				delete(o, k)
			}
		}
	}
	typ := string(resource.URN(req.GetUrn()).Type())
	changed := changedKeys(o, n, req.GetIgnoreChanges())
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{
		Changes:             pulumirpc.DiffResponse_DIFF_SOME,
		Diffs:               changed,
		Replaces:            replacements(typ, o, n, changed),
		DeleteBeforeReplace: false,
	}, nil
}

// newRes gathers what the output computations need.
func (s *Server) newRes(urn string, in, old resource.PropertyMap) *res {
	u := resource.URN(urn)
	return &res{Type: string(u.Type()), URN: urn, Name: urnName(u), Inputs: in, Old: old, Region: s.region()}
}

// clusterOf is the EKS cluster r belongs to: from its inputs for aws types,
// from the kubernetes provider's kubeconfig for kubernetes types.
func (s *Server) clusterOf(r *res, w *world) string {
	if strings.HasPrefix(r.Type, "kubernetes:") {
		return s.kubeCluster(w)
	}
	if f := infoFor(r.Type).cluster; f != nil {
		return f(r)
	}
	return ""
}

// withOutputs overlays the computed outputs on the inputs. In preview a
// computed value the engine cannot know yet is unknown, unless it equals the
// input (create) or the current state (update) and so cannot change.
func withOutputs(in, old, computed resource.PropertyMap, preview bool) resource.PropertyMap {
	out := in.Copy()
	for k, v := range computed {
		switch {
		case !preview:
			out[k] = v
		case in.HasValue(k) && equal(in[k], v):
		case old != nil && old.HasValue(k) && equal(old[k], v):
			out[k] = old[k]
		default:
			out[k] = resource.MakeComputed(resource.NewProperty(""))
		}
	}
	return out
}

// sleep waits the type's scaled duration; Cancel or the caller's context ends it early.
func (s *Server) sleep(ctx context.Context, typ string) error {
	d := Scaled(typ, s.opts.Scale)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.dyingCh(): // the engine is being killed: AWS completes what it was asked
		return nil
	case <-s.cancelCtx.Done():
		return fmt.Errorf("simcloud: operation cancelled")
	}
}

func (s *Server) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if !req.GetPreview() {
		s.halt()
		if err := s.absorbDrift(); err != nil {
			return nil, err
		}
	}
	in, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	r := s.newRes(req.GetUrn(), in, nil)
	id, computed := infoFor(r.Type).outputs(r)
	if req.GetPreview() {
		if isKubeObjectType(r.Type) { // a dry-run create (kubeobjects.go)
			if err := s.kubeCreate(ctx, r, s.peekCluster(r), true); err != nil {
				return nil, err
			}
		}
		props, err := marshal(withOutputs(in, nil, computed, true))
		return &pulumirpc.CreateResponse{Properties: props}, err
	}

	e := Entry{Op: "create", Type: r.Type, URN: r.URN, Name: r.Name, StartMS: nowMS(), ID: id}
	var ordinal int
	t, err := s.ledger.begin(func(v view) (op, error) {
		e.Cluster = s.clusterOf(r, v.world)
		ordinal = v.ordinal(r.Type)
		if err := checkUnique(r, id, v); err != nil {
			return op{}, err
		}
		w, err := checkCreate(r, e.Cluster, v)
		if err == nil && r.Type == typNodeGroup {
			err = s.checkCustomAmiParams(r.Inputs)
		}
		if err == nil {
			err = s.checkVersions(r, nil, e.Cluster, v)
		}
		if err == nil {
			err = s.checkSecurityGroupRule(r, v) // securitygroups.go
		}
		e.Warning = w
		return op{Op: "create", Type: r.Type, Name: displayName(r), Cluster: e.Cluster, ID: id}, err
	})
	if err == nil && isKubeObjectType(r.Type) && e.Cluster != "" {
		err = s.kubeCreate(ctx, r, e.Cluster, false) // the real API server (kubeobjects.go)
	}
	if err == nil && r.Type == typCluster { // its real control plane's address (controlplane.go)
		err = s.withControlPlaneAddress(ctx, r.Named("name"), computed, true)
		if err == nil {
			err = s.eksInstallsAutoModeCRDs(ctx, r, e.Cluster) // automodecrds.go
		}
	}
	if err == nil {
		err = s.sleep(ctx, r.Type)
	}
	if err == nil && r.Type == typNodeGroup {
		err = s.ledger.peek(func(v view) error {
			if err := checkNodesJoin(e.Cluster, v); err != nil {
				return err
			}
			return s.checkNodeBoot(r.Inputs, e.Cluster, v)
		})
	}
	if err == nil && s.isDying() {
		e.Detail = "completed after the engine died"
	}
	if err == nil && s.faults.fails(r.Type, ordinal) {
		err = injectedError(r.Type, ordinal)
	}
	if err == nil && s.kills.fails(r.Type, ordinal) {
		e.Detail = "the engine is killed after this create"
	}
	out := withOutputs(in, nil, computed, false)
	if err == nil {
		err = s.remember(r.Type, id, r.URN, in, out) // before the journal line: see interrupt
	}
	if err == nil && r.Type == typNodeGroup { // its nodes joined: EKS may write aws-auth
		err = s.eksWritesAwsAuth(ctx, r, e.Cluster)
	}
	if err := s.finish(t, e, err); err != nil {
		return nil, err
	}
	if r.Type == typNodePool { // Karpenter launches its nodes (karpenter.go)
		if err := s.karpenterLaunch(r, e.Cluster); err != nil {
			return nil, err
		}
	}
	s.settle(r.Type, ordinal)
	props, err := marshal(out)
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

func (s *Server) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	if !req.GetPreview() {
		s.halt()
		if err := s.absorbDrift(); err != nil {
			return nil, err
		}
	}
	in, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	old, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	r := s.newRes(req.GetUrn(), in, old)
	_, computed := infoFor(r.Type).outputs(r)
	if r.Type == typCluster { // the address stays its control plane's (controlplane.go)
		if err := s.withControlPlaneAddress(ctx, r.Named("name"), computed, !req.GetPreview()); err != nil {
			return nil, err
		}
	}
	if req.GetPreview() {
		if isKubeObjectType(r.Type) { // a dry-run apply (kubeobjects.go)
			if err := s.kubeUpdate(ctx, r, s.peekCluster(r), true); err != nil {
				return nil, err
			}
		}
		props, err := marshal(withOutputs(in, old, computed, true))
		return &pulumirpc.UpdateResponse{Properties: props}, err
	}
	e := Entry{Op: "update", Type: r.Type, URN: r.URN, Name: r.Name, StartMS: nowMS(), ID: req.GetId()}
	t, err := s.ledger.begin(func(v view) (op, error) {
		e.Cluster = s.clusterOf(r, v.world)
		e.Warning = updateWarning(r, e.Cluster, v)
		if r.Type == typNodeGroup {
			// EKS checks a custom AMI's parameters before anything else (nodeboot.go).
			if err := s.checkCustomAmiParams(r.Inputs); err != nil {
				return op{Op: "update", Type: r.Type, Name: displayName(r), Cluster: e.Cluster}, err
			}
		}
		err := checkUpdate(r, old)
		if err == nil {
			err = s.checkVersions(r, old, e.Cluster, v)
		}
		return op{Op: "update", Type: r.Type, Name: displayName(r), Cluster: e.Cluster}, err
	})
	if err == nil && isKubeObjectType(r.Type) && e.Cluster != "" {
		err = s.kubeUpdate(ctx, r, e.Cluster, false) // the real API server (kubeobjects.go)
	}
	if err == nil && r.Type == typCluster {
		err = s.eksInstallsAutoModeCRDs(ctx, r, e.Cluster) // automodecrds.go
	}
	if err == nil {
		err = s.sleep(ctx, r.Type)
	}
	if err == nil && r.Type == typNodeGroup {
		// A new launch template version rolls new nodes, which must join as well.
		err = s.ledger.peek(func(v view) error { return s.checkNodeBoot(r.Inputs, e.Cluster, v) })
	}
	if err == nil && s.isDying() {
		e.Detail = "completed after the engine died"
	}
	out := withOutputs(in, old, computed, false)
	if err == nil {
		err = s.remember(r.Type, req.GetId(), r.URN, in, out)
	}
	if err := s.finish(t, e, err); err != nil {
		return nil, err
	}
	s.settle(r.Type, 0)
	props, err := marshal(out)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

func (s *Server) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	s.halt()
	if err := s.absorbDrift(); err != nil {
		return nil, err
	}
	state, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	r := s.newRes(req.GetUrn(), state, nil)
	e := Entry{Op: "delete", Type: r.Type, URN: r.URN, Name: r.Name, StartMS: nowMS(), ID: req.GetId()}
	var karpenterUp bool
	t, err := s.ledger.begin(func(v view) (op, error) {
		e.Cluster = s.clusterOf(r, v.world)
		karpenterUp = karpenterRunning(e.Cluster, v)
		err := checkDelete(r, e.Cluster, v)
		if err == nil {
			err = s.checkSecurityGroupDelete(r, req.GetId(), v) // securitygroups.go
		}
		if r.Type == typTag { // DeleteTags with the state's value (ec2tags.go)
			e.Detail = tagDeleteDetail(r.Inputs, req.GetId(), v)
		}
		return op{Op: "delete", Type: r.Type, Name: displayName(r), Cluster: e.Cluster}, err
	})
	if err == nil {
		err = s.sleep(ctx, r.Type)
	}
	if err == nil && isKubeObjectType(r.Type) && e.Cluster != "" {
		err = s.kubeDelete(ctx, r, e.Cluster) // the real API server (kubeobjects.go)
	}
	if err == nil && r.Type == typNodePool { // the NodeClaims' finalizers (karpenter.go)
		err = s.karpenterTerminate(ctx, r, e.Cluster, karpenterUp)
	}
	if err == nil && r.Type == typCluster { // EKS deletes its control plane (controlplane.go)
		err = s.dropControlPlane(ctx, e.Cluster)
	}
	if err := s.finish(t, e, err); err != nil {
		return nil, err
	}
	if err := s.forget(r.Type, req.GetId()); err != nil {
		return nil, err
	}
	s.settle(r.Type, 0)
	return &emptypb.Empty{}, nil
}

// finish journals the operation (with opErr, if any) and returns opErr, or
// the journal's own error.
func (s *Server) finish(t ticket, e Entry, opErr error) error {
	e.EndMS = nowMS()
	if opErr != nil {
		e.Error = opErr.Error()
	}
	if err := s.ledger.finish(t, e); err != nil {
		return fmt.Errorf("simcloud: journal: %w", err)
	}
	return opErr
}

// displayName is the name AWS would print for the resource in its messages.
func displayName(r *res) string {
	switch r.Type {
	case typFargate:
		return r.Named("fargateProfileName")
	case typNodeGroup:
		return r.Named("nodeGroupName")
	case typRelease:
		// The chart, which the webhook rule (webhook.go) recognises in flight.
		return str(r.Inputs, "chart")
	}
	return r.Name
}

// peekCluster is the EKS cluster r belongs to, read under the ledger's lock.
func (s *Server) peekCluster(r *res) string {
	var c string
	_ = s.ledger.peek(func(v view) error { c = s.clusterOf(r, v.world); return nil })
	return c
}
