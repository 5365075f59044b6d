package simcloud

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The EKS API the plugin calls itself (docs/design.md, "The simulated cloud"): its
// ClusterSettings resource (provider/internal/clustersettings) sets what pulumi-aws v6
// cannot, with aws-sdk-go-v2 pointed here by AWS_ENDPOINT_URL_EKS, as a user would
// point it at any EKS endpoint. EKSAPI serves the REST-JSON operations it calls,
// DescribeCluster, UpdateClusterConfig and DescribeUpdate, over the same cluster
// objects as the aws:eks/cluster:Cluster resources of the aws personality: deletion
// protection and the control plane tier are fields of the simulated cluster, kept in an
// object of their own (typClusterSettings, keyed by the cluster's name) that goes with
// the cluster. A protected cluster refuses the cluster resource's delete (rules.go) as
// EKS refuses DeleteCluster. Every call is journaled (op "call"), so a test reads the
// order of API calls and resource operations from one journal.

// typClusterSettings is the object holding the EKS-only fields of a simulated cluster.
const typClusterSettings = "simcloud:eks:clusterSettings"

// OpCall journals one EKS API call; Type is "eks:<Operation>".
const OpCall = "call"

// Update types and their typical durations (minutes, at scale 1). EKS reports an
// update InProgress until it is done; no public figure was found for either, so these
// are assumptions: deletion protection is a flag (seconds), a tier change provisions
// control plane capacity (minutes, like other control plane updates).
var updateMinutes = map[string]float64{
	"DeletionProtectionUpdate":        0.1,
	"ControlPlaneScalingConfigUpdate": 5,
}

// clusterFields are the EKS-only fields of one cluster, with its updates.
type clusterFields struct {
	DeletionProtection bool         `json:"deletionProtection"`
	Tier               string       `json:"tier"`
	Updates            []eksUpdate  `json:"updates"`
	Pending            []pendingSet `json:"pending,omitempty"`
}

// eksUpdate is an update as DescribeUpdate reports it.
type eksUpdate struct {
	ID        string      `json:"id"`
	Type      string      `json:"type"`
	Params    []eksParam  `json:"params"`
	CreatedMS int64       `json:"createdMs"`
	EndMS     int64       `json:"endMs"`
	Errors    []eksDetail `json:"errors"`
}

type eksParam struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type eksDetail struct {
	ErrorCode    string `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
}

// pendingSet is a field change that takes effect when its update ends.
type pendingSet struct {
	Field string `json:"field"`
	Value string `json:"value"`
	EndMS int64  `json:"endMs"`
}

// settle applies the changes whose update has ended by nowMS.
func (f *clusterFields) settle(now int64) {
	var left []pendingSet
	for _, p := range f.Pending {
		if p.EndMS > now {
			left = append(left, p)
			continue
		}
		switch p.Field {
		case "deletionProtection":
			f.DeletionProtection = p.Value == "true"
		case "tier":
			f.Tier = p.Value
		}
	}
	f.Pending = left
}

// readFields returns the cluster's EKS-only fields; it must run under locked.
func (l *ledger) readFields(cluster string) clusterFields {
	f := clusterFields{Tier: "standard"}
	if o, ok := l.getObject(typClusterSettings, cluster); ok {
		_ = json.Unmarshal(o.Props, &f)
	}
	f.settle(nowMS())
	return f
}

// writeFields stores the cluster's EKS-only fields; it must run under locked.
func (l *ledger) writeFields(cluster string, f clusterFields) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return l.putObject(object{Type: typClusterSettings, ID: cluster, Props: b})
}

// clusterDeleteProtected is EKS's refusal to delete an active cluster whose deletion
// protection is on. The EKS User Guide ("Protect EKS clusters from accidental
// deletion", read 2026-12-08) gives the error code, InvalidRequestException, not its
// text: the message is the simulator's.
func clusterDeleteProtected(cluster string, v view) error {
	if v.l == nil || cluster == "" {
		return nil
	}
	if f := v.l.readFields(cluster); f.DeletionProtection {
		return fmt.Errorf("InvalidRequestException: Cluster %s has deletion protection enabled; disable it (UpdateClusterConfig with deletionProtection false) before deleting the cluster", cluster)
	}
	return nil
}

// forgetClusterFields drops a deleted cluster's EKS-only fields, so a new cluster of
// the name starts with EKS's defaults.
func (s *Server) forgetClusterFields(typ, id string) error {
	if typ != typCluster {
		return nil
	}
	return s.ledger.locked(func() error {
		if v, err := s.ledger.load(); err == nil && !v.exists(typCluster, id) {
			s.ledger.dropObject(typClusterSettings, id)
		}
		return nil
	})
}

// EKSAPI is the simulated EKS REST API over a journal's ledger.
type EKSAPI struct {
	ledger *ledger
	scale  float64
}

// NewEKSAPI serves the EKS API over the ledger of journal ("" keeps it in memory),
// with durations multiplied by scale.
func NewEKSAPI(journal string, scale float64) *EKSAPI {
	return &EKSAPI{ledger: newLedger(journal), scale: scale}
}

// ServeEKSAPI listens on a free loopback port and serves the API there; it returns the
// endpoint for AWS_ENDPOINT_URL_EKS and a function that stops it.
func ServeEKSAPI(journal string, scale float64) (endpoint string, stop func() error, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: NewEKSAPI(journal, scale), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), srv.Close, nil
}

// apiError is an EKS error as the REST-JSON protocol carries it.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e apiError) Error() string { return e.code + ": " + e.msg }

func notFound(cluster string) apiError {
	return apiError{http.StatusNotFound, "ResourceNotFoundException", "No cluster found for name: " + cluster + "."}
}

// ServeHTTP routes /clusters/{name}, /clusters/{name}/update-config and
// /clusters/{name}/updates/{id}.
func (a *EKSAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	var body any
	var err error
	var op, cluster string
	switch {
	case len(parts) == 2 && parts[0] == "clusters" && r.Method == http.MethodGet:
		op, cluster = "DescribeCluster", parts[1]
		body, err = a.describeCluster(cluster)
	case len(parts) == 3 && parts[0] == "clusters" && parts[2] == "update-config" && r.Method == http.MethodPost:
		op, cluster = "UpdateClusterConfig", parts[1]
		body, err = a.updateClusterConfig(cluster, r)
	case len(parts) == 4 && parts[0] == "clusters" && parts[2] == "updates" && r.Method == http.MethodGet:
		op, cluster = "DescribeUpdate", parts[1]
		body, err = a.describeUpdate(cluster, parts[3])
	default:
		err = apiError{http.StatusNotFound, "UnknownOperationException", "the simulated EKS API does not serve " + r.Method + " " + r.URL.Path}
	}
	e := Entry{Op: OpCall, Type: "eks:" + op, ID: cluster, Cluster: cluster, StartMS: nowMS()}
	if m, ok := body.(map[string]any); ok && op == "UpdateClusterConfig" && err == nil {
		if u, ok := m["update"].(map[string]any); ok {
			e.Detail = fmt.Sprint(u["type"])
			params, _ := u["params"].([]map[string]any)
			for _, p := range params {
				e.Detail += fmt.Sprintf(" %v=%v", p["type"], p["value"])
			}
		}
	}
	if err != nil {
		ae, ok := err.(apiError)
		if !ok {
			ae = apiError{http.StatusInternalServerError, "ServerException", err.Error()}
		}
		e.Error = ae.Error()
		body = map[string]any{"message": ae.msg}
		w.Header().Set("X-Amzn-Errortype", ae.code)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(ae.status)
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	e.EndMS = nowMS()
	if op != "" {
		_ = a.ledger.record(e)
	}
	_ = json.NewEncoder(w).Encode(body)
}

// cluster reads the simulated cluster's properties and EKS-only fields; it must run
// under locked.
func (a *EKSAPI) cluster(name string) (map[string]any, clusterFields, error) {
	o, ok := a.ledger.getObject(typCluster, name)
	if !ok {
		return nil, clusterFields{}, notFound(name)
	}
	props, err := decodeMap(o.Props)
	if err != nil {
		return nil, clusterFields{}, err
	}
	return props.Mappable(), a.ledger.readFields(name), nil
}

func (a *EKSAPI) describeCluster(name string) (any, error) {
	var out map[string]any
	err := a.ledger.locked(func() error {
		props, f, err := a.cluster(name)
		if err != nil {
			return err
		}
		out = map[string]any{"cluster": map[string]any{
			"name": name, "arn": props["arn"], "version": props["version"], "status": "ACTIVE",
			"endpoint": props["endpoint"], "roleArn": props["roleArn"],
			"deletionProtection":        f.DeletionProtection,
			"controlPlaneScalingConfig": map[string]any{"tier": f.Tier},
		}}
		return nil
	})
	return out, err
}

// updateRequest is the body of UpdateClusterConfig (the fields this simulator serves).
type updateRequest struct {
	DeletionProtection        *bool `json:"deletionProtection"`
	ControlPlaneScalingConfig *struct {
		Tier string `json:"tier"`
	} `json:"controlPlaneScalingConfig"`
	ClientRequestToken string `json:"clientRequestToken"`
}

// tiers are the provisioned control plane tiers EKS takes (aws-sdk-go-v2/service/eks
// v1.105.6, types.ProvisionedControlPlaneTier).
var tiers = []string{"standard", "tier-xl", "tier-2xl", "tier-4xl", "tier-8xl"}

func (a *EKSAPI) updateClusterConfig(name string, r *http.Request) (any, error) {
	var req updateRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return nil, apiError{http.StatusBadRequest, "InvalidParameterException", "malformed request: " + err.Error()}
	}
	var out any
	err := a.ledger.locked(func() error {
		_, f, err := a.cluster(name)
		if err != nil {
			return err
		}
		if len(f.Pending) > 0 {
			return apiError{http.StatusConflict, "ResourceInUseException", "Cluster has an update in progress"}
		}
		var u eksUpdate
		var set pendingSet
		switch {
		case req.DeletionProtection != nil && req.ControlPlaneScalingConfig != nil:
			return apiError{http.StatusBadRequest, "InvalidParameterException", "Only one type of update can be allowed."}
		case req.DeletionProtection != nil:
			v := strconv.FormatBool(*req.DeletionProtection)
			if *req.DeletionProtection == f.DeletionProtection {
				return apiError{http.StatusBadRequest, "InvalidParameterException", "Deletion protection is already " + v + " for cluster " + name + "."}
			}
			u = eksUpdate{Type: "DeletionProtectionUpdate", Params: []eksParam{{"DeletionProtection", v}}}
			set = pendingSet{Field: "deletionProtection", Value: v}
		case req.ControlPlaneScalingConfig != nil:
			t := req.ControlPlaneScalingConfig.Tier
			if !slices.Contains(tiers, t) {
				return apiError{http.StatusBadRequest, "InvalidParameterException", "Invalid tier " + t + "; valid tiers are " + strings.Join(tiers, ", ")}
			}
			if t == f.Tier {
				return apiError{http.StatusBadRequest, "InvalidParameterException", "The cluster is already on tier " + t + "."}
			}
			u = eksUpdate{Type: "ControlPlaneScalingConfigUpdate", Params: []eksParam{{"PreviousTier", f.Tier}, {"UpdatedTier", t}}}
			set = pendingSet{Field: "tier", Value: t}
		default:
			return apiError{http.StatusBadRequest, "InvalidParameterException", "No changes needed for the cluster configuration."}
		}
		now := nowMS()
		u.ID = fmt.Sprintf("%08x-sim-%d", now&0xffffffff, len(f.Updates)+1)
		u.CreatedMS = now
		u.EndMS = now + (time.Duration(updateMinutes[u.Type] * a.scale * float64(time.Minute))).Milliseconds()
		set.EndMS = u.EndMS
		f.Updates = append(f.Updates, u)
		f.Pending = append(f.Pending, set)
		out = map[string]any{"update": u.wire(now)}
		return a.ledger.writeFields(name, f)
	})
	return out, err
}

func (a *EKSAPI) describeUpdate(name, id string) (any, error) {
	var out any
	err := a.ledger.locked(func() error {
		_, f, err := a.cluster(name)
		if err != nil {
			return err
		}
		for _, u := range f.Updates {
			if u.ID == id {
				out = map[string]any{"update": u.wire(nowMS())}
				return nil
			}
		}
		return apiError{http.StatusNotFound, "ResourceNotFoundException", "No update found for ID: " + id + "."}
	})
	return out, err
}

// wire is the update as EKS returns it at now: InProgress until it ends.
func (u eksUpdate) wire(now int64) map[string]any {
	status := "InProgress"
	if now >= u.EndMS {
		status = "Successful"
	}
	params := []map[string]any{}
	for _, p := range u.Params {
		params = append(params, map[string]any{"type": p.Type, "value": p.Value})
	}
	return map[string]any{"id": u.ID, "status": status, "type": u.Type, "params": params,
		"createdAt": float64(u.CreatedMS) / 1000, "errors": []any{}}
}
