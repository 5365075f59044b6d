package provider

import (
	pulumiprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
)

// Serve runs the plugin: it prints its port and serves until the engine hangs up. It is
// pulumiprovider.ComponentMain with the plugin's own server (server.go), whose Construct
// prepares the raw inputs before the SDK decodes them.
func Serve() error {
	// Fail before printing a port if the schema cannot be built.
	if _, err := Schema(Version); err != nil {
		return err
	}
	return pulumiprovider.Main(Name, NewServer)
}
