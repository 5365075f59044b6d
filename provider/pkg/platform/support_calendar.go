package platform

import (
	"fmt"
	"strings"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/provider/pkg/eksversions"
)

// The EKS support calendar on the run's date (docs/upgrading.md, "Kubernetes versions
// and EKS support"). The dates are data with their sources (provider/pkg/eksversions);
// this file is what the platform does with them:
//
//   - the default kubernetesVersion is the newest version in EKS standard support that
//     day, as AWS recommends for a new cluster;
//   - a version past standard support runs only in extended support, billed per
//     cluster-hour at the extended-support rate. With upgradePolicy STANDARD, EKS
//     upgrades such a cluster itself and does not let a cluster already in extended
//     support go back to STANDARD ("You cannot disable extended support once your
//     cluster has entered it"), so the platform refuses the combination and names both
//     ways out: pay (EXTENDED) or move to a version in standard support;
//   - a version past extended support is refused: EKS creates no cluster at it and
//     upgrades running ones to the next version itself;
//   - a version the calendar does not know is refused with the versions it knows;
//   - a running cluster within warnDays of a deadline of the version it will run gets a
//     warning saying what EKS will do on that day.

// warnDays is how long before a deadline a running cluster is warned: AWS announces
// the end of standard support "at least 60 days in advance".
const warnDays = 60

// day is t's calendar day in UTC, the zone of AWS's dates.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dateOf(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// defaultVersion is the newest version in standard support on today.
func defaultVersion(today time.Time) (string, bool) {
	v, ok := eksversions.NewestInStandard(today)
	return v.Version, ok
}

// versionsIn lists the versions in a phase on today, "1.35, 1.36".
func versionsIn(phase eksversions.Phase, today time.Time) string {
	var out []string
	for _, v := range eksversions.In(phase, today) {
		out = append(out, v.Version)
	}
	return strings.Join(out, ", ")
}

// acceptedVersions are the versions EKS runs on today, standard or extended, oldest first.
func acceptedVersions(today time.Time) []string {
	var out []string
	for _, v := range eksversions.Calendar {
		if p := v.Phase(today); p == eksversions.Standard || p == eksversions.Extended {
			out = append(out, v.Version)
		}
	}
	return out
}

// orLater is "choose 1.35 or later": the oldest version in standard support on today,
// or, for a version past extended support, the oldest version EKS still runs (a running
// cluster moves one minor per run).
func orLater(today time.Time, anySupport bool) string {
	in := eksversions.In(eksversions.Standard, today)
	if anySupport {
		if ext := eksversions.In(eksversions.Extended, today); len(ext) > 0 {
			return fmt.Sprintf("choose %s or later (%s only with upgradePolicy: EXTENDED)", ext[0].Version, versionsIn(eksversions.Extended, today))
		}
	}
	if len(in) == 0 {
		return "upgrade the component: its EKS release calendar knows no version in standard support on " + dateOf(today)
	}
	return "choose " + in[0].Version + " or later"
}

// calendarSummary names what the platform's calendar knows and when it was read.
func calendarSummary() string {
	known := eksversions.Known()
	return fmt.Sprintf("%s to %s, read %s", known[0], known[len(known)-1], eksversions.AWSCalendar.Read)
}

// supportChoice says which versions EKS runs on today and how.
func supportChoice(today time.Time) string {
	s := fmt.Sprintf("on %s EKS runs %s in standard support", dateOf(today), versionsIn(eksversions.Standard, today))
	if ext := versionsIn(eksversions.Extended, today); ext != "" {
		s += fmt.Sprintf(", and %s only with upgradePolicy: EXTENDED", ext)
	}
	return s
}

// validateSupport checks c.Version and c.UpgradePolicy against the calendar on c.Today.
// policyUnread: upgradePolicy is unknown at preview, so only what no policy can fix is
// refused now; the update, where it is known, checks the rest.
func validateSupport(p *problems, c clusterConfig, policyUnread bool) {
	v, ok := eksversions.Lookup(c.Version)
	if !ok {
		p.addf("kubernetesVersion: %s is not a version the platform's EKS release calendar knows (%s); use one of the versions %s (if EKS released %s after that date, upgrade the component)",
			c.Version, calendarSummary(), supportChoice(c.Today), c.Version)
		return
	}
	est := ""
	if v.Estimated {
		est = " (AWS's estimate)"
	}
	switch v.Phase(c.Today) {
	case eksversions.Unreleased:
		p.addf("kubernetesVersion: %s is not available on EKS before %s%s; use one of the versions %s",
			c.Version, v.Release, est, supportChoice(c.Today))
	case eksversions.Ended:
		p.addf("kubernetesVersion: %s left EKS extended support on %s%s: EKS creates no cluster at it and upgrades running ones itself; %s",
			c.Version, v.EndOfExtended, est, orLater(c.Today, true))
	case eksversions.Extended:
		if policyUnread || c.UpgradePolicy != upgradePolicyStandard {
			return
		}
		// EKS cannot put a cluster past standard support back on STANDARD, and on
		// STANDARD it upgrades the control plane itself: the choice to pay is made here,
		// visibly.
		p.addf("kubernetesVersion: %s left EKS standard support on %s%s; set upgradePolicy: EXTENDED (extended support until %s, billed per cluster-hour at the extended-support rate) or %s",
			c.Version, v.EndOfStandard, est, v.EndOfExtended, orLater(c.Today, false))
	}
}

// previewSupportWarnings: at preview, an unknown upgradePolicy with a version in
// extended support is checked by the update, and the preview says so.
func previewSupportWarnings(c clusterConfig, policyUnread bool) []string {
	v, ok := eksversions.Lookup(c.Version)
	if !ok || !policyUnread || v.Phase(c.Today) != eksversions.Extended {
		return nil
	}
	return []string{fmt.Sprintf("upgradePolicy: not known yet at preview; kubernetesVersion %s left EKS standard support on %s, so the update refuses it unless upgradePolicy resolves to EXTENDED",
		c.Version, v.EndOfStandard)}
}

// deadlineWarnings are what EKS will do to the running cluster within warnDays: the
// version it runs after this run (c.Version) reaching the end of standard or of
// extended support.
func deadlineWarnings(c clusterConfig, live liveCluster) []string {
	if !live.Exists {
		return nil
	}
	v, ok := eksversions.Lookup(c.Version)
	if !ok {
		return nil
	}
	next := "the next minor version"
	if n, ok := eksversions.Lookup(version(v.Minor() + 1)); ok {
		next = n.Version
	}
	today := day(c.Today)
	in := func(date string) (int, bool) {
		days := int(eksversions.Day(date).Sub(today).Hours() / 24)
		return days, days >= 0 && days <= warnDays
	}
	switch v.Phase(c.Today) {
	case eksversions.Standard:
		days, soon := in(v.EndOfStandard)
		if !soon {
			return nil
		}
		if c.UpgradePolicy == upgradePolicyStandard {
			return []string{fmt.Sprintf("kubernetesVersion: EKS standard support for %s ends on %s (in %d days); with upgradePolicy STANDARD, EKS then upgrades the control plane of cluster %s to %s itself (node groups and add-ons stay behind); set kubernetesVersion %s before then, or upgradePolicy: EXTENDED to keep %s until %s at the extended-support rate",
				v.Version, v.EndOfStandard, days, c.Name, next, next, v.Version, v.EndOfExtended)}
		}
		return []string{fmt.Sprintf("kubernetesVersion: EKS standard support for %s ends on %s (in %d days); from that day EKS bills cluster %s per cluster-hour at the extended-support rate (upgradePolicy EXTENDED) until %s; set kubernetesVersion %s before then to avoid the charge",
			v.Version, v.EndOfStandard, days, c.Name, v.EndOfExtended, next)}
	case eksversions.Extended:
		days, soon := in(v.EndOfExtended)
		if !soon {
			return nil
		}
		return []string{fmt.Sprintf("kubernetesVersion: EKS extended support for %s ends on %s (in %d days); after it EKS upgrades the control plane of cluster %s to %s itself, at a time it does not announce (node groups and add-ons stay behind), and creates no new cluster at %s; set kubernetesVersion %s before then",
			v.Version, v.EndOfExtended, days, c.Name, next, v.Version, next)}
	}
	return nil
}

// exampleVersion is a version to show in a message: the default on today, else the
// newest the calendar knows.
func exampleVersion(today time.Time) string {
	if v, ok := defaultVersion(today); ok {
		return v
	}
	known := eksversions.Known()
	return known[len(known)-1]
}
