package kubeapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
)

// Create is a client-side create (POST) by fieldManager, an "Update" operation in the
// object's managedFields, as kubectl create and client-go programs do; an existing
// object is a 409 AlreadyExists *StatusError. dryRun validates without storing.
func (s *Client) Create(ctx context.Context, obj map[string]any, fieldManager string, dryRun bool) (map[string]any, error) {
	apiVersion, kind, namespace, name := identity(obj)
	if apiVersion == "" || kind == "" || name == "" {
		return nil, errors.New("kubeapi: Create needs apiVersion, kind and metadata.name")
	}
	path, err := s.collectionPath(ctx, apiVersion, kind, namespace)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	q := url.Values{"fieldManager": {fieldManager}, "fieldValidation": {"Warn"}}
	if dryRun {
		q.Set("dryRun", "All")
	}
	return s.send(ctx, http.MethodPost, path+"?"+q.Encode(), "application/json", body)
}

// MergePatch is a JSON merge patch (an "Update" operation) of a named object by
// fieldManager, as `kubectl edit` or a controller's update writes.
func (s *Client) MergePatch(ctx context.Context, apiVersion, kind, namespace, name string, patch map[string]any, fieldManager string) (map[string]any, error) {
	return s.patch(ctx, apiVersion, kind, namespace, name, "application/merge-patch+json", patch, fieldManager)
}

// JSONPatch applies RFC 6902 operations to a named object (pulumi-kubernetes rewrites
// metadata.managedFields this way before its first server-side apply of an object a
// client-side manager wrote).
func (s *Client) JSONPatch(ctx context.Context, apiVersion, kind, namespace, name string, ops []map[string]any) (map[string]any, error) {
	return s.patch(ctx, apiVersion, kind, namespace, name, "application/json-patch+json", ops, "")
}

func (s *Client) patch(ctx context.Context, apiVersion, kind, namespace, name, contentType string, body any, fieldManager string) (map[string]any, error) {
	path, err := s.objectPath(ctx, apiVersion, kind, namespace, name)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	if fieldManager != "" {
		path += "?" + url.Values{"fieldManager": {fieldManager}}.Encode()
	}
	return s.send(ctx, http.MethodPatch, path, contentType, b)
}

// Delete deletes a named object in the foreground of nothing (no controller runs
// garbage collection here); found is false when it did not exist.
func (s *Client) Delete(ctx context.Context, apiVersion, kind, namespace, name string) (found bool, err error) {
	path, err := s.objectPath(ctx, apiVersion, kind, namespace, name)
	if err != nil {
		return false, err
	}
	r, err := s.do(ctx, http.MethodDelete, path, "", nil)
	if err != nil {
		return false, err
	}
	switch r.code {
	case http.StatusOK, http.StatusAccepted:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	return false, statusError(r)
}

// send sends a write and decodes the stored object, or returns the server's refusal.
func (s *Client) send(ctx context.Context, method, path, contentType string, body []byte) (map[string]any, error) {
	r, err := s.do(ctx, method, path, contentType, body)
	if err != nil {
		return nil, err
	}
	if r.code != http.StatusOK && r.code != http.StatusCreated {
		return nil, statusError(r)
	}
	var out map[string]any
	return out, json.Unmarshal(r.body, &out)
}
