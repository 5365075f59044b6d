package platform

import (
	"crypto/sha256"
	"encoding/hex"
)

// physicalName fits name into max characters for AWS names with tight limits (IAM roles:
// 64). A name that is too long keeps its head and gets a short hash of the whole, so it
// stays unique and the same on every run (no random suffix: a second `pulumi up` must
// change nothing).
func physicalName(name string, max int) string {
	if len(name) <= max {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	suffix := "-" + hex.EncodeToString(sum[:])[:8]
	return name[:max-len(suffix)] + suffix
}
