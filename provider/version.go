// Package provider is the eksplatform plugin: it serves the schema and constructs the
// EksPlatform component for programs written in any Pulumi language.
package provider

// Name is the Pulumi package name.
const Name = "eksplatform"

// Version is stamped at build time:
// -ldflags "-X github.com/eksplatform/pulumi-eksplatform/provider.Version=<v>".
var Version = "0.0.0-dev"
