package simcloud

import (
	"fmt"
	"strconv"
	"strings"
)

// faults is the parsed SIMCLOUD_FAIL_CREATE: type → create ordinals to fail.
// Ordinals count creates of a type over the whole journal, so a re-run of
// `pulumi up` (a new process) sees the earlier failure and does not fail again:
// that is how tests prove a failed update converges on retry.
type faults map[string]map[int]bool

// parseFaults reads "<type>#<n>,<type>#<n>"; malformed items are an error so
// that a typo in a test does not silently inject nothing.
func parseFaults(spec string) (faults, error) {
	f := faults{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		i := strings.LastIndex(item, "#")
		if i <= 0 {
			return nil, fmt.Errorf("SIMCLOUD_FAIL_CREATE: %q is not <type>#<n>", item)
		}
		n, err := strconv.Atoi(item[i+1:])
		if err != nil || n < 1 {
			return nil, fmt.Errorf("SIMCLOUD_FAIL_CREATE: %q: n must be a positive integer", item)
		}
		typ := item[:i]
		if f[typ] == nil {
			f[typ] = map[int]bool{}
		}
		f[typ][n] = true
	}
	return f, nil
}

func (f faults) fails(typ string, ordinal int) bool { return f[typ][ordinal] }

func injectedError(typ string, ordinal int) error {
	return fmt.Errorf("simcloud: injected failure creating %s (create #%d)", typ, ordinal)
}
