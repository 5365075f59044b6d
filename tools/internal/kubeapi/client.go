package kubeapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"time"
)

// Client talks to one API server as a kubeconfig user does: its endpoint, the CA its
// certificate must chain to, and a bearer token. A Server embeds the client of its
// administrator; the simulated cloud makes one from the kubeconfig the platform wrote,
// so a wrong endpoint, CA or token fails as it would against EKS.
type Client struct {
	// Endpoint is the API server's URL (https://127.0.0.1:<port>).
	Endpoint string
	// CAPEM is the certificate authority the server's certificate must chain to.
	CAPEM []byte
	// Token is the bearer token sent with every request.
	Token string

	client    *http.Client
	resources *resourceCache
}

// NewClient returns a client of endpoint that trusts caPEM alone and presents token.
func NewClient(endpoint string, caPEM []byte, token string) (*Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("kubeapi: the certificate authority data holds no PEM certificate")
	}
	return &Client{
		Endpoint: endpoint, CAPEM: caPEM, Token: token,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		}},
		resources: newResourceCache(),
	}, nil
}

// Ready reports whether /readyz answers ok.
func (s *Client) Ready(ctx context.Context) bool {
	code, body, err := s.get(ctx, "/readyz")
	return err == nil && code == http.StatusOK && string(body) == "ok"
}

// IsNotFound reports whether err is the server's 404.
func IsNotFound(err error) bool { return statusCode(err) == http.StatusNotFound }

// IsAlreadyExists reports whether err is the server's 409 AlreadyExists.
func IsAlreadyExists(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Code == http.StatusConflict && se.Reason == "AlreadyExists"
}

// IsConflict reports whether err is a server-side apply field conflict.
func IsConflict(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Code == http.StatusConflict && se.Reason == "Conflict"
}

func statusCode(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}
