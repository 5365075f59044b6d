package runner

import (
	"context"
	"io"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// CommandTiming is one `pulumi` process the Automation API ran: its
// arguments and wall time. An Automation API Up runs `pulumi up` and then
// `pulumi stack output` and `pulumi stack history`; the bench reports the up
// command alone, which is what a user of the CLI waits for.
type CommandTiming struct {
	Args    []string
	Elapsed time.Duration
}

// timedCommand records every command's wall time with the workspace.
type timedCommand struct {
	auto.PulumiCommand
	record func(CommandTiming)
}

func (c timedCommand) Run(ctx context.Context, workdir string, stdin io.Reader, out, errOut []io.Writer,
	env []string, args ...string,
) (string, string, int, error) {
	t0 := time.Now()
	stdout, stderr, code, err := c.PulumiCommand.Run(ctx, workdir, stdin, out, errOut, env, args...)
	c.record(CommandTiming{Args: append([]string(nil), args...), Elapsed: time.Since(t0)})
	return stdout, stderr, code, err
}

func (c timedCommand) Version() semver.Version { return c.PulumiCommand.Version() }
