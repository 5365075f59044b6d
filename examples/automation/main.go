// Command automation provisions a fleet of EKS platforms with the Pulumi Automation
// API: one stack per cluster name, all running concurrently, each an inline Go program
// that creates an EksPlatform through the Go SDK (SCENARIOS.md #7 "Fleet").
//
//	export EKSPLATFORM_PUBLIC_SUBNET_IDS=subnet-0a1,subnet-0b2
//	export EKSPLATFORM_PRIVATE_SUBNET_IDS=subnet-0c3,subnet-0d4
//	export PULUMI_CONFIG_PASSPHRASE=...            # for a file:// or cloud-storage backend
//	go run ./examples/automation -backend file:///tmp/state dev-a dev-b
//	go run ./examples/automation -backend file:///tmp/state -destroy dev-a dev-b
//
// Without -backend the stacks go wherever `pulumi login` points. Every line of a
// stack's progress is prefixed with its name; at the end each stack's kubeconfig is
// read back and its current context and cluster are printed. The pulumi CLI must be on
// PATH; the eksplatform plugin is installed on first use (or is found on PATH).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
)

func main() {
	var f fleet
	flag.StringVar(&f.backend, "backend", "", "state backend URL (file://..., s3://..., https://api.pulumi.com); default: the current `pulumi login`")
	flag.StringVar(&f.project, "project", "eksplatform-fleet", "Pulumi project name of the fleet's stacks")
	flag.StringVar(&f.region, "region", envOr("AWS_REGION", "us-west-2"), "AWS region of every cluster (env AWS_REGION)")
	flag.StringVar(&f.kubernetesVersion, "kubernetes-version", "", "Kubernetes version of every cluster (MAJOR.MINOR); default: the component's, 1.36")
	public := flag.String("public-subnets", os.Getenv("EKSPLATFORM_PUBLIC_SUBNET_IDS"), "comma-separated public subnet IDs (env EKSPLATFORM_PUBLIC_SUBNET_IDS)")
	private := flag.String("private-subnets", os.Getenv("EKSPLATFORM_PRIVATE_SUBNET_IDS"), "comma-separated private subnet IDs (env EKSPLATFORM_PRIVATE_SUBNET_IDS)")
	parallel := flag.Int("parallel", 4, "how many stacks run at once")
	// The engine's default (4 per core) holds back a platform's many independent
	// resources (30 node groups start in 4 waves on 2 cores); they wait on AWS, not on
	// the CPU.
	flag.IntVar(&f.engineParallel, "engine-parallel", 32, "pulumi up --parallel within each stack")
	flag.BoolVar(&f.destroy, "destroy", false, "destroy the stacks (and remove them) instead of updating them")
	flag.Usage = func() {
		_, _ = fmt.Fprintf(flag.CommandLine.Output(), "usage: %s [flags] CLUSTER_NAME...\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()

	f.publicSubnetIDs, f.privateSubnetIDs = splitList(*public), splitList(*private)
	clusters := flag.Args()
	if err := f.validate(clusters, *parallel); err != nil {
		fmt.Fprintln(os.Stderr, "automation:", err)
		flag.Usage()
		os.Exit(2)
	}

	// Ctrl-C cancels every running update; the CLI stops it cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	results := make([]result, len(clusters))
	sem := make(chan struct{}, *parallel)
	var wg sync.WaitGroup
	for i, cluster := range clusters {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out := newPrefixWriter(os.Stdout, cluster)
			defer out.Flush()
			results[i] = f.run(ctx, cluster, out)
		})
	}
	wg.Wait()

	failed := 0
	fmt.Println()
	for i, r := range results {
		switch {
		case r.err != nil:
			failed++
			fmt.Printf("%-20s FAILED: %v\n", clusters[i], r.err)
		case f.destroy:
			fmt.Printf("%-20s destroyed\n", clusters[i])
		default:
			fmt.Printf("%-20s kubeconfig current-context %q, cluster %q\n", clusters[i], r.context, r.cluster)
		}
	}
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "automation: %d of %d stacks failed\n", failed, len(clusters))
		os.Exit(1)
	}
}

func (f *fleet) validate(clusters []string, parallel int) error {
	if len(clusters) == 0 {
		return fmt.Errorf("give at least one cluster name")
	}
	seen := map[string]bool{}
	for _, c := range clusters {
		if seen[c] {
			return fmt.Errorf("cluster %q is given twice", c)
		}
		seen[c] = true
	}
	if parallel < 1 {
		return fmt.Errorf("-parallel must be at least 1")
	}
	if !f.destroy && (len(f.publicSubnetIDs) == 0 || len(f.privateSubnetIDs) == 0) {
		return fmt.Errorf("set -public-subnets and -private-subnets (or EKSPLATFORM_PUBLIC_SUBNET_IDS and EKSPLATFORM_PRIVATE_SUBNET_IDS)")
	}
	if strings.HasPrefix(f.backend, "file://") && os.Getenv("PULUMI_CONFIG_PASSPHRASE") == "" && os.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE") == "" {
		return fmt.Errorf("a file:// backend encrypts secrets with a passphrase: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE")
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
