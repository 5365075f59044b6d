package platform

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// problems collects validation errors so a user sees every mistake in one run rather
// than fixing them one `pulumi up` at a time.
type problems struct {
	list []string
	// sections[i] is the section list[i] is listed in; list is kept in section order.
	sections []section
	// at is the section the problems reported now are listed in (in).
	at section
	// preview is true in a dry run, where Outputs of resources not yet created are
	// unknown.
	preview bool
	// unknown are the input paths read as unknown at preview.
	unknown map[string]bool
}

// section is where in the error a problem is listed. The error lists its problems
// section by section, in this order, whichever pass of resolve (resolve.go) found them:
// a cross-section check of the second pass lists its problems beside the section they
// concern, where the first pass's would have been, so the first problem of the error
// still names the first cause (Karpenter under Auto Mode comes before where its
// controller could run, which follows from it).
type section int

const (
	inCluster section = iota
	inKubeAuth
	inAutoMode
	inCompute
	inAccess
	inEksAddons
	inHelmAddons
	// inNodeAutoscalers: Karpenter beside another node autoscaler (checkNodeAutoscalers).
	inNodeAutoscalers
	inKarpenter
	inSecurityGroups
	// inChartKubeCompat: the charts against the cluster's version (checkChartKubeCompat).
	inChartKubeCompat
)

// in lists the problems reported from now on in section s, and returns p.
func (p *problems) in(s section) *problems {
	p.at = s
	return p
}

func (p *problems) markUnknown(path string) {
	if p.unknown == nil {
		p.unknown = map[string]bool{}
	}
	p.unknown[path] = true
}

// addf records one problem, after every problem of its section and of those before it.
// The format should start with the input path (`nodeGroups[1].scaling`) and end with
// the fix.
func (p *problems) addf(format string, a ...any) {
	i := len(p.list)
	for i > 0 && p.sections[i-1] > p.at {
		i--
	}
	p.list = slices.Insert(p.list, i, fmt.Sprintf(format, a...))
	p.sections = slices.Insert(p.sections, i, p.at)
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
