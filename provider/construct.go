package provider

import (
	"fmt"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
)

// Construct builds the component a program asked for, by type token. The plugin calls it
// through ConstructRPC, which prepares the raw inputs first; call it that way.
func Construct(ctx *pulumi.Context, typ, name string, inputs pulumiprovider.ConstructInputs,
	options pulumi.ResourceOption,
) (*pulumiprovider.ConstructResult, error) {
	switch typ {
	case platform.TypeToken:
		return constructPlatform(ctx, name, inputs, options)
	default:
		return nil, fmt.Errorf("unknown resource type %q: the %s plugin (version %s) constructs only %s; check the SDK and plugin versions match",
			typ, Name, Version, platform.TypeToken)
	}
}

func constructPlatform(ctx *pulumi.Context, name string, inputs pulumiprovider.ConstructInputs,
	options pulumi.ResourceOption,
) (*pulumiprovider.ConstructResult, error) {
	// The raw inputs were checked and prepared before the SDK decoded them
	// (PrepareInputs, in ConstructRPC): unknown keys and type mismatches are reported
	// there, and Outputs and secrets on objects and lists are moved onto their leaves.
	args := &platform.Args{}
	if err := inputs.CopyTo(args); err != nil {
		return nil, fmt.Errorf("invalid EksPlatform inputs: %w", err)
	}
	if all, err := inputs.Map(); err == nil {
		if v, ok := all[unknownInputsKey]; ok {
			if names, ok := platform.PlainStrings(v); ok {
				args.MarkUnknownAtPreview(names...)
			}
		}
	}
	p, err := platform.New(ctx, name, args, options)
	if err != nil {
		return nil, err
	}
	return pulumiprovider.NewConstructResult(p)
}
