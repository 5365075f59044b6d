package provider

import (
	"context"
	"fmt"

	"github.com/eksplatform/pulumi-eksplatform/provider/internal/plugininputs"
	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/platform"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
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
			if names, ok := plainStrings(v); ok {
				mark := plugininputs.MarkUnknownAtPreview.(func(*platform.Args, ...string))
				mark(args, names...)
			}
		}
	}
	p, err := platform.New(ctx, name, args, options)
	if err != nil {
		return nil, err
	}
	return pulumiprovider.NewConstructResult(p)
}

// plainStrings reads the list of strings PrepareInputs put under unknownInputsKey, as
// the SDK decoded it (a list of strings, or of values that are strings).
func plainStrings(in pulumi.Input) ([]string, bool) {
	res, err := internals.UnsafeAwaitOutput(context.Background(), pulumi.ToOutput(in))
	if err != nil {
		return nil, false
	}
	switch v := res.Value.(type) {
	case []string:
		return v, res.Known
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, res.Known
	}
	return nil, false
}
