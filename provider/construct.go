package provider

import (
	"fmt"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
)

// Construct builds the component a program asked for, by type token.
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
	// Typed decoding drops keys it does not know, so a misspelt input or add-on name
	// would silently do nothing; check the raw keys first.
	if err := checkRawInputs(inputs); err != nil {
		return nil, err
	}
	args := &platform.Args{}
	if err := inputs.CopyTo(args); err != nil {
		return nil, fmt.Errorf("invalid EksPlatform inputs: %w", err)
	}
	p, err := platform.New(ctx, name, args, options)
	if err != nil {
		return nil, err
	}
	return pulumiprovider.NewConstructResult(p)
}
