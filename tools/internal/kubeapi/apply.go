package kubeapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// ApplyOptions are what the pulumi-kubernetes provider sends with a server-side apply
// (provider/pkg/await: Creation and Update with ServerSideApply): its field manager
// ("pulumi-kubernetes-<suffix>" unless pulumi.com/patchFieldManager names one), force
// (the pulumi.com/patchForce annotation; false otherwise) and field validation Warn.
type ApplyOptions struct {
	FieldManager string
	Force        bool
	// DryRun asks the server to admit and validate the request without storing it, as
	// the provider does in a preview.
	DryRun bool
}

// Applied is the object as the server stored it, and the warnings it answered with
// (with fieldValidation=Warn an unknown or duplicate field of a built-in kind is a
// warning, not an error, and the server drops the field; for a custom resource,
// server-side apply refuses a field its CRD's schema does not declare).
type Applied struct {
	Object   map[string]any
	Warnings []string
}

// Apply creates or updates obj with server-side apply: a PATCH of type
// application/apply-patch+yaml (JSON is YAML) to the object's own URL. A refusal is a
// *StatusError carrying the server's message.
func (s *Client) Apply(ctx context.Context, obj map[string]any, o ApplyOptions) (Applied, error) {
	if o.FieldManager == "" {
		return Applied{}, errors.New("kubeapi: Apply needs a field manager")
	}
	apiVersion, kind, namespace, name := identity(obj)
	if apiVersion == "" || kind == "" || name == "" {
		return Applied{}, errors.New("kubeapi: Apply needs apiVersion, kind and metadata.name")
	}
	path, err := s.objectPath(ctx, apiVersion, kind, namespace, name)
	if err != nil {
		return Applied{}, err
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return Applied{}, err
	}
	q := url.Values{
		"fieldManager":    {o.FieldManager},
		"force":           {strconv.FormatBool(o.Force)},
		"fieldValidation": {"Warn"},
	}
	if o.DryRun {
		q.Set("dryRun", "All")
	}
	r, err := s.do(ctx, http.MethodPatch, path+"?"+q.Encode(), "application/apply-patch+yaml", body)
	if err != nil {
		return Applied{}, err
	}
	if r.code != http.StatusOK && r.code != http.StatusCreated {
		return Applied{Warnings: r.warnings}, statusError(r)
	}
	out := Applied{Warnings: r.warnings}
	if err := json.Unmarshal(r.body, &out.Object); err != nil {
		return out, err
	}
	return out, nil
}

// Get reads an object; found is false on 404.
func (s *Client) Get(ctx context.Context, apiVersion, kind, namespace, name string) (obj map[string]any, found bool, err error) {
	path, err := s.objectPath(ctx, apiVersion, kind, namespace, name)
	if err != nil {
		return nil, false, err
	}
	r, err := s.do(ctx, http.MethodGet, path, "", nil)
	if err != nil {
		return nil, false, err
	}
	switch r.code {
	case http.StatusOK:
		return obj, true, json.Unmarshal(r.body, &obj)
	case http.StatusNotFound:
		return nil, false, nil
	default:
		return nil, false, statusError(r)
	}
}

// identity reads apiVersion, kind, metadata.namespace and metadata.name.
func identity(obj map[string]any) (apiVersion, kind, namespace, name string) {
	apiVersion, _ = obj["apiVersion"].(string)
	kind, _ = obj["kind"].(string)
	meta, _ := obj["metadata"].(map[string]any)
	namespace, _ = meta["namespace"].(string)
	name, _ = meta["name"].(string)
	return apiVersion, kind, namespace, name
}
