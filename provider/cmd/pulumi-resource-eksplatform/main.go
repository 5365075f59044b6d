// Command pulumi-resource-eksplatform is the EksPlatform plugin the Pulumi engine starts
// when a program in any language creates an eksplatform:index:EksPlatform.
package main

import (
	"fmt"
	"os"

	"github.com/eksplatform/pulumi-eksplatform/provider"
)

func main() {
	if err := provider.Serve(); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-eksplatform: %v\n", err)
		os.Exit(1)
	}
}
