// Package clock is where the platform reads the run's date from.
package clock

import "time"

// Today is the clock the platform reads the run's date from, once per construction
// (resolve). The EKS release calendar (provider/pkg/eksversions) decides on that date
// which kubernetesVersion and upgradePolicy are valid, the default version, and the
// warnings before a support deadline; validation takes the date as a value and never
// reads a clock itself. It is a variable only so tests can pin the date (the platform's
// and the plugin's TestMain pin 2026-12-07), and so tests do not rot as the calendar
// moves; being internal, it is no part of the Go API a program sees.
var Today = time.Now
