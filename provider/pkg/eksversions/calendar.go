// Package eksversions is the Amazon EKS Kubernetes release calendar: for each
// Kubernetes minor version, the day EKS released it, the day its standard support ends
// and the day its extended support ends, with where each date was read.
//
// These are facts that expire (docs/design.md, "Facts that expire"): the platform
// validates kubernetesVersion and upgradePolicy against them on the run's date, picks
// its default version from them, and the simulated cloud refuses what EKS refuses with
// the same table. TestCalendarMatchesItsSources checks every date against the text it
// was read from (testdata/); TestCalendarIsFresh fails a year after the newest release
// the table knows, so maintainers read the calendar again.
package eksversions

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Source is a document the dates were read from.
type Source struct {
	// Document names it as its publisher does.
	Document string
	// Repository, Commit and Path locate the copy that was read; Published is the date
	// of that copy (its commit), so a reader knows what it could not contain.
	Repository, Commit, Path string
	Published                string
	// Read is the day the table was checked against it.
	Read string
	// Excerpt is the file under testdata/ holding the rows as read.
	Excerpt string
}

// Sources: AWS's own page is the authority. The stored copies of it readable here stop
// before 1.35; for 1.35 and 1.36 the dates come from endoflife.date, whose release table
// for Amazon EKS scrapes the same AWS page's "End of standard support" and "End of
// extended support" columns (its `auto` section says so).
var (
	AWSCalendar = Source{
		Document:   `Amazon EKS user guide, "Understand the Kubernetes version lifecycle on EKS", section "Amazon EKS Kubernetes release calendar" (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html)`,
		Repository: "awsdocs/amazon-eks-user-guide",
		Commit:     "013856044148d6eeed4723027a45aa2180536bcb",
		Path:       "latest/ug/versioning/kubernetes-versions.adoc",
		Published:  "2025-10 (its newest row is 1.34, released on EKS 2025-10-02)",
		Read:       "2026-12-07",
		Excerpt:    "testdata/aws-kubernetes-versions.adoc",
	}
	EndOfLifeDate = Source{
		Document:   "endoflife.date, Amazon EKS (endoflife.date/amazon-eks), release table scraped from the AWS page above",
		Repository: "endoflife-date/endoflife.date",
		Commit:     "de1074dab973a23a89d3e30dcebe45251bf5cf22",
		Path:       "products/amazon-eks.md",
		Published:  "2026-07-08 (the newest commit of the file in the repository snapshot of 2026-08-22, a70eca337600e7d721dc48112c271f98661d208b)",
		Read:       "2026-12-07",
		Excerpt:    "testdata/endoflife-amazon-eks.md",
	}
)

// Version is one Kubernetes minor version on EKS. Dates are days in UTC: AWS bills
// extended support "from the beginning of the day that the version reaches end of
// standard support, in the UTC+0 timezone", and on the end of extended support date
// EKS no longer creates clusters at the version.
type Version struct {
	// Version is "1.N".
	Version string
	// Release is the day EKS made the version available (not the upstream release).
	Release string
	// EndOfStandard is the first day of extended support: from it, a cluster on the
	// STANDARD upgrade policy is upgraded by EKS, one on EXTENDED is billed the
	// extended-support rate.
	EndOfStandard string
	// EndOfExtended is the day EKS stops creating clusters at the version and starts
	// upgrading running ones itself.
	EndOfExtended string
	// Estimated marks dates AWS publishes with a month and a year only ("approximate
	// and updated with an exact date when it's known"); every date below is exact,
	// as published.
	Estimated bool
	// Source is where the dates were read.
	Source *Source
}

// Calendar is every version the platform knows, oldest first.
var Calendar = []Version{
	{Version: "1.29", Release: "2024-01-23", EndOfStandard: "2025-03-23", EndOfExtended: "2026-03-23", Source: &AWSCalendar},
	{Version: "1.30", Release: "2024-05-23", EndOfStandard: "2025-07-23", EndOfExtended: "2026-07-23", Source: &AWSCalendar},
	{Version: "1.31", Release: "2024-09-26", EndOfStandard: "2025-11-26", EndOfExtended: "2026-11-26", Source: &AWSCalendar},
	{Version: "1.32", Release: "2025-01-23", EndOfStandard: "2026-03-23", EndOfExtended: "2027-03-23", Source: &AWSCalendar},
	{Version: "1.33", Release: "2025-05-29", EndOfStandard: "2026-07-29", EndOfExtended: "2027-07-29", Source: &AWSCalendar},
	{Version: "1.34", Release: "2025-10-02", EndOfStandard: "2026-12-02", EndOfExtended: "2027-12-02", Source: &AWSCalendar},
	// endoflife.date's releaseDate is the day of AWS's "Amazon EKS Distro" announcement
	// for the version (its link), which for 1.29 to 1.34 is within days of the AWS
	// table's "Amazon EKS release" (1.34: 2025-10-06 against 2025-10-02).
	{Version: "1.35", Release: "2026-01-28", EndOfStandard: "2027-03-27", EndOfExtended: "2028-03-27", Source: &EndOfLifeDate},
	{Version: "1.36", Release: "2026-06-02", EndOfStandard: "2027-08-02", EndOfExtended: "2028-08-02", Source: &EndOfLifeDate},
}

// Phase is where a version stands on a day.
type Phase int

const (
	// Unreleased: EKS does not offer the version yet.
	Unreleased Phase = iota
	// Standard support.
	Standard
	// Extended support: only with the EXTENDED upgrade policy, billed per cluster-hour
	// at the extended-support rate.
	Extended
	// Ended: past extended support; EKS creates no cluster at it and upgrades running
	// ones.
	Ended
)

// Day parses a calendar date (YYYY-MM-DD) as the start of that day in UTC.
func Day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(fmt.Sprintf("eksversions: bad date %q: %v", s, err))
	}
	return t
}

// Phase is the version's support on the day of t (compared in UTC).
func (v Version) Phase(t time.Time) Phase {
	t = t.UTC()
	switch {
	case t.Before(Day(v.Release)):
		return Unreleased
	case t.Before(Day(v.EndOfStandard)):
		return Standard
	case t.Before(Day(v.EndOfExtended)):
		return Extended
	}
	return Ended
}

// Minor is N of "1.N".
func (v Version) Minor() int {
	n, _ := strconv.Atoi(strings.TrimPrefix(v.Version, "1."))
	return n
}

// Lookup is the calendar's entry for "1.N".
func Lookup(version string) (Version, bool) {
	i := slices.IndexFunc(Calendar, func(v Version) bool { return v.Version == version })
	if i < 0 {
		return Version{}, false
	}
	return Calendar[i], true
}

// Known are the versions of the calendar, oldest first.
func Known() []string {
	out := make([]string, len(Calendar))
	for i, v := range Calendar {
		out[i] = v.Version
	}
	return out
}

// In are the versions in phase on the day of t, oldest first.
func In(phase Phase, t time.Time) []Version {
	var out []Version
	for _, v := range Calendar {
		if v.Phase(t) == phase {
			out = append(out, v)
		}
	}
	return out
}

// NewestInStandard is the newest version in standard support on the day of t, the
// platform's default; ok is false when the calendar knows none (it is out of date).
func NewestInStandard(t time.Time) (Version, bool) {
	in := In(Standard, t)
	if len(in) == 0 {
		return Version{}, false
	}
	return slices.MaxFunc(in, func(a, b Version) int { return cmp.Compare(a.Minor(), b.Minor()) }), true
}

// NewestRelease is the day of the newest EKS release the calendar records: the last
// event it knows to have happened. A year later AWS has released about three more
// versions, so the table is stale (TestCalendarIsFresh).
func NewestRelease() time.Time {
	var newest time.Time
	for _, v := range Calendar {
		if d := Day(v.Release); d.After(newest) {
			newest = d
		}
	}
	return newest
}
