package main

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// repoRoot is the repository's root as seen from this package.
var repoRoot = filepath.Join("..", "..", "..")

// The pages a reader follows from the README: the README, every page of docs/ and
// every example's README. Their relative links must lead somewhere.
func linkedPages(t *testing.T) []string {
	t.Helper()
	pages := []string{"README.md"}
	for _, glob := range []string{"docs/*.md", "examples/*/README.md"} {
		m, err := filepath.Glob(filepath.Join(repoRoot, filepath.FromSlash(glob)))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			rel, err := filepath.Rel(repoRoot, p)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, filepath.ToSlash(rel))
		}
	}
	return pages
}

// TestDocLinksResolve: every relative link of README.md, docs/*.md and the examples'
// READMEs names a file or folder of the repository, and its #anchor, when it has one,
// a heading (or an <a id>) of that page. Text moved between pages keeps its readers.
func TestDocLinksResolve(t *testing.T) {
	anchorsOf := map[string]map[string]bool{}
	anchors := func(page string) map[string]bool {
		if a, ok := anchorsOf[page]; ok {
			return a
		}
		raw, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		anchorsOf[page] = headingAnchors(string(raw))
		return anchorsOf[page]
	}
	checked := 0
	for _, page := range linkedPages(t) {
		raw, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range linkTargets(string(raw)) {
			if external(target) {
				continue
			}
			checked++
			path, anchor, _ := strings.Cut(target, "#")
			path, err1 := url.PathUnescape(path)
			anchor, err2 := url.PathUnescape(anchor)
			if err1 != nil || err2 != nil {
				t.Errorf("%s: link %q is not a valid URL path", page, target)
				continue
			}
			dest := page
			if path != "" {
				dest = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(page), filepath.FromSlash(path))))
				if dest == ".." || strings.HasPrefix(dest, "../") || filepath.IsAbs(path) {
					t.Errorf("%s: link %q leaves the repository", page, target)
					continue
				}
				if _, err := os.Stat(filepath.Join(repoRoot, filepath.FromSlash(dest))); err != nil {
					t.Errorf("%s: link %q: %s does not exist", page, target, dest)
					continue
				}
			}
			if anchor == "" {
				continue
			}
			if !strings.HasSuffix(dest, ".md") {
				t.Errorf("%s: link %q: an anchor into %s, which is not a Markdown page", page, target, dest)
				continue
			}
			if !anchors(dest)[anchor] {
				t.Errorf("%s: link %q: %s has no heading with anchor #%s", page, target, dest, anchor)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no relative link found: the link parser is broken")
	}
}

// external reports whether a link target has a scheme (https:, mailto:, …) or is
// protocol-relative: it points outside the repository.
func external(target string) bool {
	if strings.HasPrefix(target, "//") {
		return true
	}
	scheme, _, ok := strings.Cut(target, ":")
	return ok && urlScheme.MatchString(scheme)
}

var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

var (
	inlineLink   = regexp.MustCompile(`\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	referenceDef = regexp.MustCompile(`(?m)^ {0,3}\[[^\]]+\]:\s+<?(\S+?)>?(?:\s|$)`)
	autoLink     = regexp.MustCompile(`<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]+)>`)
	htmlHref     = regexp.MustCompile(`(?i)<a\s[^>]*href="([^"]+)"`)
)

// linkTargets lists the targets of the Markdown links of a page (inline links and
// images, reference definitions, autolinks, HTML hrefs), outside code.
func linkTargets(md string) []string {
	text := withoutCode(md)
	var out []string
	for _, re := range []*regexp.Regexp{inlineLink, referenceDef, autoLink, htmlHref} {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// withoutCode drops fenced code blocks and inline code spans, where brackets and
// URLs are text, not links. A span is a run of n backticks up to the next run of
// exactly n (CommonMark); an unmatched run stays as it is.
func withoutCode(md string) string {
	var kept []string
	inFence := ""
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if inFence != "" {
			if strings.HasPrefix(trimmed, inFence) {
				inFence = ""
			}
			kept = append(kept, "")
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			inFence = trimmed[:3]
			kept = append(kept, "")
			continue
		}
		kept = append(kept, line)
	}
	return withoutCodeSpans(strings.Join(kept, "\n"))
}

func withoutCodeSpans(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '`' {
			b.WriteByte(s[i])
			i++
			continue
		}
		n := backticks(s[i:])
		end := closingRun(s[i+n:], n)
		if end < 0 {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		i += n + end + n
	}
	return b.String()
}

func backticks(s string) int {
	n := 0
	for n < len(s) && s[n] == '`' {
		n++
	}
	return n
}

// closingRun is the offset in s of the first run of exactly n backticks, or -1.
func closingRun(s string, n int) int {
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		k := backticks(s[i:])
		if k == n {
			return i
		}
		i += k
	}
	return -1
}

var (
	heading    = regexp.MustCompile(`^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	htmlAnchor = regexp.MustCompile(`(?i)<a\s[^>]*(?:id|name)="([^"]+)"`)
	linkText   = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

// headingAnchors are the anchors a page offers: GitHub's slug of every heading
// outside code (lower case, punctuation dropped, spaces to hyphens, -1, -2 … for
// repeats) and every <a id="…"> or <a name="…">.
func headingAnchors(md string) map[string]bool {
	out := map[string]bool{}
	for _, m := range htmlAnchor.FindAllStringSubmatch(md, -1) {
		out[m[1]] = true
	}
	inFence := ""
	seen := map[string]int{}
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if inFence != "" {
			if strings.HasPrefix(trimmed, inFence) {
				inFence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			inFence = trimmed[:3]
			continue
		}
		m := heading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		slug := slugOf(m[2])
		if n := seen[slug]; n > 0 {
			out[slug+"-"+strconv.Itoa(n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	return out
}

func slugOf(title string) string {
	title = linkText.ReplaceAllString(title, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

func TestSlugOf(t *testing.T) {
	for in, want := range map[string]string{
		"Rule 9 — the ALB controller's webhook":   "rule-9--the-alb-controllers-webhook",
		"What `make demo` prints":                 "what-make-demo-prints",
		"Change a node group's instance types":    "change-a-node-groups-instance-types",
		"Upgrading from 0.1.0":                    "upgrading-from-010",
		"By hand, with the `pulumi` command line": "by-hand-with-the-pulumi-command-line",
		"See [the rules](ordering.md)":            "see-the-rules",
	} {
		if got := slugOf(in); got != want {
			t.Errorf("slugOf(%q) = %q, want %q", in, got, want)
		}
	}
	a := headingAnchors("# A\n## A\n```\n# not a heading\n```\n<a id=\"rule-1\"></a>\n## A\n")
	for _, want := range []string{"a", "a-1", "a-2", "rule-1"} {
		if !a[want] {
			t.Errorf("headingAnchors: no %q in %v", want, a)
		}
	}
	if a["not-a-heading"] {
		t.Error("headingAnchors: a heading inside a code fence counted")
	}
}

func TestLinkTargets(t *testing.T) {
	md := "see [a](docs/a.md#x) and [`b`](b.md \"title\"), `[not](code.md)`\n" +
		"```\n[nor](fenced.md)\n```\n[ref]: c.md\n<https://example.com> ![img](d.png)\n"
	got := strings.Join(linkTargets(md), " ")
	for _, want := range []string{"docs/a.md#x", "b.md", "c.md", "https://example.com", "d.png"} {
		if !strings.Contains(got, want) {
			t.Errorf("linkTargets: no %q in %q", want, got)
		}
	}
	for _, not := range []string{"code.md", "fenced.md"} {
		if strings.Contains(got, not) {
			t.Errorf("linkTargets: %q is code, not a link: %q", not, got)
		}
	}
	for target, want := range map[string]bool{"https://x": true, "mailto:a@b": true, "//x": true, "docs/a.md": false, "#x": false, "a.md#b:c": false} {
		if external(target) != want {
			t.Errorf("external(%q) = %v, want %v", target, !want, want)
		}
	}
}
