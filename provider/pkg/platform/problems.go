package platform

import (
	"errors"
	"fmt"
	"strings"
)

// problems collects validation errors so a user sees every mistake in one run rather
// than fixing them one `pulumi up` at a time.
type problems struct {
	list []string
	// preview is true in a dry run, where Outputs of resources not yet created are
	// unknown.
	preview bool
	// unknown are the input paths read as unknown at preview.
	unknown map[string]bool
}

func (p *problems) markUnknown(path string) {
	if p.unknown == nil {
		p.unknown = map[string]bool{}
	}
	p.unknown[path] = true
}

// addf records one problem. The format should start with the input path
// (`nodeGroups[1].scaling`) and end with the fix.
func (p *problems) addf(format string, a ...any) {
	p.list = append(p.list, fmt.Sprintf(format, a...))
}

func (p *problems) err() error {
	switch len(p.list) {
	case 0:
		return nil
	case 1:
		return errors.New("invalid EksPlatform inputs: " + p.list[0])
	default:
		return errors.New("invalid EksPlatform inputs:\n  - " + strings.Join(p.list, "\n  - "))
	}
}
