package runner

import (
	"path/filepath"

	"github.com/eksplatform/pulumi-eksplatform/tools/simcloud"
)

// serveEKSAPI starts the simulated EKS REST API over the workspace's journal and
// points the plugin's AWS SDK at it the way a user points it at any endpoint: the
// standard AWS_ENDPOINT_URL_EKS, with static fake credentials, and shared config files
// that do not exist, so nothing of the machine's AWS setup (no ambient AWS_* variable
// passes Environ either) reaches a run.
func (w *Workspace) serveEKSAPI() error {
	endpoint, stop, err := simcloud.ServeEKSAPI(w.Journal, w.Scale)
	if err != nil {
		return err
	}
	w.stopEKSAPI = stop
	w.Env["AWS_ENDPOINT_URL_EKS"] = endpoint
	w.Env["AWS_ACCESS_KEY_ID"] = "ASIASIMCLOUD"
	w.Env["AWS_SECRET_ACCESS_KEY"] = "simcloud"
	w.Env["AWS_CONFIG_FILE"] = filepath.Join(w.Dir, "aws-config-absent")
	w.Env["AWS_SHARED_CREDENTIALS_FILE"] = filepath.Join(w.Dir, "aws-credentials-absent")
	w.Env["AWS_EC2_METADATA_DISABLED"] = "true"
	return nil
}
