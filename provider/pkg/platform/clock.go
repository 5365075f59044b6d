package platform

import "time"

// Today is the clock the platform reads the run's date from, once per construction
// (resolve). The EKS release calendar (provider/pkg/eksversions) decides on that date
// which kubernetesVersion and upgradePolicy are valid, the default version, and the
// warnings before a support deadline; validation takes the date as a value and never
// reads a clock itself. Programs leave Today alone: it is a variable only so tests can
// pin the date (TestMain pins 2026-12-07), and so tests do not rot as the calendar moves.
var Today = time.Now
