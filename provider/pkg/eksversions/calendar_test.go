package eksversions

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The pinned day of the tests: 1.34 left standard support five days earlier.
var pinned = Day("2026-12-07")

// awsRows reads the AWS table's rows: version → [upstream, EKS release, end of
// standard, end of extended] as YYYY-MM-DD.
func awsRows(t *testing.T, file string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, block := range strings.Split(string(b), "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		if len(lines) != 5 || !strings.HasPrefix(lines[0], "|`") {
			continue
		}
		version := strings.Trim(lines[0], "|`")
		for _, l := range lines[1:] {
			d, err := time.Parse("January 2, 2006", strings.TrimSpace(strings.TrimPrefix(l, "|")))
			if err != nil {
				t.Fatalf("%s: row %s: %v", file, version, err)
			}
			rows[version] = append(rows[version], d.Format(time.DateOnly))
		}
	}
	return rows
}

var eolField = regexp.MustCompile(`^\s*(?:- )?(releaseCycle|releaseDate|eol|eoes): "?([0-9.-]+)"?$`)

// endOfLifeRows reads endoflife.date's release entries: version → [release, eol, eoes].
func endOfLifeRows(t *testing.T, file string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	version := ""
	for _, l := range strings.Split(string(b), "\n") {
		m := eolField.FindStringSubmatch(l)
		switch {
		case m == nil:
		case m[1] == "releaseCycle":
			version = m[2]
		default:
			rows[version] = append(rows[version], m[2])
		}
	}
	return rows
}

// Every date of the table is the one its source gives, as read (testdata/ holds the
// rows); a version the table leaves out, or one its source lacks, fails.
func TestCalendarMatchesItsSources(t *testing.T) {
	aws := awsRows(t, AWSCalendar.Excerpt)
	eol := endOfLifeRows(t, EndOfLifeDate.Excerpt)
	if len(aws) != 6 || len(eol) != 2 {
		t.Fatalf("read %d AWS rows and %d endoflife.date rows, want 6 and 2", len(aws), len(eol))
	}
	for _, v := range Calendar {
		var want []string
		switch v.Source {
		case &AWSCalendar:
			if r, ok := aws[v.Version]; ok {
				want = r[1:]
			}
		case &EndOfLifeDate:
			want = eol[v.Version]
		}
		if got := []string{v.Release, v.EndOfStandard, v.EndOfExtended}; !slices.Equal(got, want) {
			t.Errorf("%s: table has %v, its source (%s) %v", v.Version, got, v.Source.Excerpt, want)
		}
		if v.Estimated {
			t.Errorf("%s: marked estimated, but its source gives exact dates", v.Version)
		}
	}
	for _, src := range []map[string][]string{aws, eol} {
		for version := range src {
			if _, ok := Lookup(version); !ok {
				t.Errorf("the source lists %s; the table does not", version)
			}
		}
	}
	// Oldest first, one minor apart, dates in order.
	for i, v := range Calendar {
		if i > 0 && v.Minor() != Calendar[i-1].Minor()+1 {
			t.Errorf("%s follows %s", v.Version, Calendar[i-1].Version)
		}
		if !Day(v.Release).Before(Day(v.EndOfStandard)) || !Day(v.EndOfStandard).Before(Day(v.EndOfExtended)) {
			t.Errorf("%s: dates out of order", v.Version)
		}
	}
}

// TestCalendarIsFresh fails when the real clock is more than a year past the newest EKS
// release the table records: AWS has released about three versions since, and the
// default version and every refusal would be read from an old calendar. Read the AWS
// page again (the Source's Document), add the new rows to Calendar and their text to
// testdata/, and update the Read dates. It also fails when the calendar knows no version
// in standard support today, which breaks the platform's default.
func TestCalendarIsFresh(t *testing.T) {
	now := time.Now()
	if stale := NewestRelease().AddDate(1, 0, 0); now.After(stale) {
		t.Errorf("the EKS calendar is stale: its newest release is %s, and today (%s) is more than a year later; read the AWS release calendar again and update Calendar",
			NewestRelease().Format(time.DateOnly), now.Format(time.DateOnly))
	}
	if _, ok := NewestInStandard(now); !ok {
		t.Errorf("the EKS calendar knows no version in standard support on %s; read the AWS release calendar again and update Calendar", now.Format(time.DateOnly))
	}
}

func TestPhases(t *testing.T) {
	for _, tc := range []struct {
		version, day string
		want         Phase
	}{
		{"1.34", "2026-12-01", Standard},
		{"1.34", "2026-12-02", Extended}, // billed from the start of the day
		{"1.34", "2026-12-07", Extended},
		{"1.34", "2027-12-02", Ended},
		{"1.31", "2026-12-07", Ended},
		{"1.32", "2026-12-07", Extended},
		{"1.36", "2026-06-01", Unreleased},
		{"1.36", "2026-12-07", Standard},
	} {
		v, _ := Lookup(tc.version)
		if got := v.Phase(Day(tc.day)); got != tc.want {
			t.Errorf("%s on %s: phase %d, want %d", tc.version, tc.day, got, tc.want)
		}
	}
	// A time late on the day before, in another zone, is still that day in UTC.
	v, _ := Lookup("1.34")
	if got := v.Phase(time.Date(2026, 12, 1, 20, 0, 0, 0, time.FixedZone("PST", -8*3600))); got != Extended {
		t.Errorf("1.34 at 2026-12-01 20:00 PST (2026-12-02 UTC): phase %d, want Extended", got)
	}
}

func TestNewestInStandard(t *testing.T) {
	for day, want := range map[string]string{
		"2026-12-07": "1.36",
		"2026-05-01": "1.35",
		"2027-08-01": "1.36",
		"2027-08-02": "", // 1.36 leaves standard support and the calendar knows no newer
	} {
		v, ok := NewestInStandard(Day(day))
		if ok != (want != "") || v.Version != want {
			t.Errorf("%s: newest in standard %q (%v), want %q", day, v.Version, ok, want)
		}
	}
	var names []string
	for _, v := range In(Extended, pinned) {
		names = append(names, v.Version)
	}
	if !slices.Equal(names, []string{"1.32", "1.33", "1.34"}) {
		t.Errorf("in extended support on %s: %v", pinned.Format(time.DateOnly), names)
	}
}
