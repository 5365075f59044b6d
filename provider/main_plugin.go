package provider

import (
	pulumiprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
)

// Serve runs the plugin: it prints its port and serves until the engine hangs up.
func Serve() error {
	schema, err := Schema(Version)
	if err != nil {
		return err
	}
	return pulumiprovider.ComponentMain(Name, Version, schema, Construct)
}
