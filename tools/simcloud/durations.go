package simcloud

import (
	"os"
	"strconv"
	"time"
)

// Minutes is the typical wall-clock time, in minutes, that AWS takes to create,
// update or delete a resource of each type (docs/design.md, "The simulated
// cloud"; from public reports).
// Other tools read it to compute lower bounds for a deployment's critical path.
var Minutes = map[string]float64{
	"aws:eks/cluster:Cluster":               9,
	"aws:eks/nodeGroup:NodeGroup":           3,
	"aws:eks/fargateProfile:FargateProfile": 3,
	"aws:eks/addon:Addon":                   1,
	"kubernetes:helm.sh/v3:Release":         1,
	"aws:kms/key:Key":                       0.05,
	// Karpenter draining and terminating a NodePool's nodes once it is deleted
	// (karpenter.go): the NodePool's delete waits for it.
	"aws:ec2/instance:Instance": 1,
}

// DefaultMinutes applies to every type not in Minutes: IAM, tags, log groups,
// access entries, ConfigMaps and the like all take a second or two.
const DefaultMinutes = 0.03

// DefaultScale maps one simulated minute to 60 ms, so a default platform
// (~13 simulated minutes on its critical path) deploys in under a second.
const DefaultScale = 0.001

// Duration is the typical duration of one operation on typ at scale 1 (real time).
func Duration(typ string) time.Duration {
	m, ok := Minutes[typ]
	if !ok {
		m = DefaultMinutes
	}
	return time.Duration(m * float64(time.Minute))
}

// Scale is the factor from SIMCLOUD_SCALE (default DefaultScale) that every
// simulated duration is multiplied by.
func Scale() float64 {
	if s := os.Getenv("SIMCLOUD_SCALE"); s != "" {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 {
			return f
		}
	}
	return DefaultScale
}

// Scaled is Duration(typ) × scale: how long the simulator sleeps for one operation.
func Scaled(typ string, scale float64) time.Duration {
	return time.Duration(float64(Duration(typ)) * scale)
}
