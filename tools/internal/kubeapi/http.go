package kubeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// StatusError is a request the API server refused, with its own Status: the message is
// the one kubectl and the Pulumi provider show.
type StatusError struct {
	Code    int
	Reason  string
	Message string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Code, e.Reason, e.Message)
}

// response is one answer: status, body and the Warning headers.
type response struct {
	code     int
	body     []byte
	warnings []string
}

// do sends one authenticated request, again while the server answers 429 (a restarted
// server answers "storage is (re)initializing" for a kind until its cache is filled;
// client-go retries it the same way), for up to a minute.
func (s *Client) do(ctx context.Context, method, path, contentType string, body []byte) (response, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		r, err := s.doOnce(ctx, method, path, contentType, body)
		if err != nil || r.code != http.StatusTooManyRequests || time.Now().After(deadline) {
			return r, err
		}
		select {
		case <-ctx.Done():
			return r, nil
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// doOnce sends one authenticated request.
func (s *Client) doOnce(ctx context.Context, method, path, contentType string, body []byte) (response, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.Endpoint+path, r)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Authorization", "Bearer "+s.Token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer drain(resp.Body)
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	out := response{code: resp.StatusCode, body: b}
	for _, w := range resp.Header.Values("Warning") {
		// RFC 7234 form: 299 - "text".
		w = strings.TrimPrefix(w, "299 - ")
		out.warnings = append(out.warnings, strings.Trim(w, `"`))
	}
	return out, nil
}

// statusError turns a refusal into a StatusError with the server's message.
func statusError(r response) error {
	var st struct {
		Reason  string `json:"reason"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(r.body, &st); err != nil || st.Message == "" {
		return &StatusError{Code: r.code, Reason: http.StatusText(r.code), Message: strings.TrimSpace(string(r.body))}
	}
	return &StatusError{Code: r.code, Reason: st.Reason, Message: st.Message}
}

// get is a GET returning the status code and body.
func (s *Client) get(ctx context.Context, path string) (int, []byte, error) {
	r, err := s.do(ctx, http.MethodGet, path, "", nil)
	return r.code, r.body, err
}

// getJSON GETs path and decodes a 200 answer into v.
func (s *Client) getJSON(ctx context.Context, path string, v any) error {
	r, err := s.do(ctx, http.MethodGet, path, "", nil)
	if err != nil {
		return err
	}
	if r.code != http.StatusOK {
		return statusError(r)
	}
	return json.Unmarshal(r.body, v)
}
