// Command simcloud is the simulated cloud's provider plugin (docs/design.md,
// "The simulated cloud").
// Install it as pulumi-resource-aws, pulumi-resource-kubernetes and
// pulumi-resource-tls on PATH; it plays the provider its name says
// (or SIMCLOUD_PROVIDER says):
//
//	cd tools && go build -o bin/pulumi-resource-aws ./cmd/simcloud
//	ln -sf pulumi-resource-aws bin/pulumi-resource-kubernetes
//	ln -sf pulumi-resource-aws bin/pulumi-resource-tls
//	PATH=$PWD/bin:$PATH
//
// Environment: SIMCLOUD_JOURNAL, SIMCLOUD_SCALE, SIMCLOUD_FAIL_CREATE,
// SIMCLOUD_CALLER_ARN, SIMCLOUD_PROVIDER (see package simcloud).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/eksplatform/pulumi-eksplatform/tools/simcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func main() {
	name := simcloud.Personality(os.Args[0])
	srv, err := simcloud.NewServer(simcloud.OptionsFromEnv(name))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The engine ends a plugin with SIGTERM (then SIGKILL): stop the clusters' API servers
	// this process started first (simcloud/controlplane.go). A SIGKILL still leaks nothing:
	// the kernel kills them with their parent.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-sig
		_ = srv.Close()
		os.Exit(0)
	}()
	defer func() { _ = srv.Close() }()
	err = provider.Main(name, func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return srv, nil
	})
	if err != nil {
		_ = srv.Close()
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
