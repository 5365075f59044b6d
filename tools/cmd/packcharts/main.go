// Command packcharts writes the chart archives of tools/charts from snapshots of their
// upstream git repositories, with Helm's own loader and packager (helm.sh/helm/v4:
// loader.LoadDir, chartutil.Save), as `helm package` does, and prints each archive's
// sha256 for tools/charts/sources.go. Every file's time is the release commit's, so
// the same snapshot gives the same archive byte for byte.
//
//	go run ./cmd/packcharts -git '/work/.mirror/{owner}+{name}/repo' [-chart name]
//
// -git is the git directory of a repository's snapshot, {owner} and {name} filled in.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/eksplatform/pulumi-eksplatform/tools/charts"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
)

func main() {
	gitDir := flag.String("git", "", "git directory of a snapshot, with {owner} and {name}")
	only := flag.String("chart", "", "package only this chart")
	flag.Parse()
	if *gitDir == "" {
		log.Fatal("packcharts: -git is required")
	}
	for _, s := range charts.Sources {
		if *only != "" && s.Chart != *only {
			continue
		}
		path, err := pack(*gitDir, s, charts.Dir())
		if err != nil {
			log.Fatalf("%s %s: %v", s.Chart, s.Version, err)
		}
		sum, err := fileSHA256(path)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %s\n", filepath.Base(path), sum)
	}
}

// pack extracts s's chart directory at its commit, changes it as the release process
// does, loads it with Helm's loader and saves it with Helm's packager into outDir.
func pack(gitDir string, s charts.Source, outDir string) (string, error) {
	c, err := load(gitDir, s)
	if err != nil {
		return "", err
	}
	return chartutil.Save(c, outDir)
}

func load(gitDir string, s charts.Source) (*chart.Chart, error) {
	owner, name, _ := strings.Cut(s.Repository, "/")
	dir := strings.NewReplacer("{owner}", owner, "{name}", name).Replace(gitDir)
	tmp, err := os.MkdirTemp("", "packcharts-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(tmp) }() // a scratch copy; nothing to report if it lingers
	if err := extract(dir, s.Commit, append([]string{s.Path}, s.ExtraPaths...), tmp); err != nil {
		return nil, err
	}
	chartDir := filepath.Join(tmp, s.Path)
	if err := editValues(chartDir, s.ValuesEdits); err != nil {
		return nil, err
	}
	for _, d := range s.Dependencies {
		sub, err := load(gitDir, d)
		if err != nil {
			return nil, fmt.Errorf("dependency %s: %w", d.Chart, err)
		}
		if _, err := chartutil.Save(sub, filepath.Join(chartDir, "charts")); err != nil {
			return nil, err
		}
	}
	c, err := loader.LoadDir(chartDir)
	if err != nil {
		return nil, err
	}
	if err := setMetadata(c, s, chartDir); err != nil {
		return nil, err
	}
	when, err := commitTime(dir, s.Commit)
	if err != nil {
		return nil, err
	}
	c.StampModTimes(when)
	if c.Metadata.Name != s.Chart || c.Metadata.Version != s.Version || c.Metadata.AppVersion != s.AppVersion {
		return nil, fmt.Errorf("packaged Chart.yaml says %s %s (app %s), the source says %s %s (app %s)",
			c.Metadata.Name, c.Metadata.Version, c.Metadata.AppVersion, s.Chart, s.Version, s.AppVersion)
	}
	return c, nil
}

// extract writes paths of the tree at commit under dir (git archive, untarred).
func extract(gitDir, commit string, paths []string, dir string) error {
	args := append([]string{"--git-dir", gitDir, "archive", "--format=tar", commit}, paths...)
	archive := exec.Command("git", args...)
	untar := exec.Command("tar", "-x", "-C", dir)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return err
	}
	untar.Stdin = pipe
	archive.Stderr, untar.Stderr = os.Stderr, os.Stderr
	if err := untar.Start(); err != nil {
		return err
	}
	if err := archive.Run(); err != nil {
		return fmt.Errorf("git archive %s: %w", commit, err)
	}
	return untar.Wait()
}

// editValues rewrites values.yaml lines as the release process does; each must match once.
func editValues(chartDir string, edits [][2]string) error {
	if len(edits) == 0 {
		return nil
	}
	file := filepath.Join(chartDir, "values.yaml")
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	text := string(b)
	for _, e := range edits {
		if n := strings.Count(text, e[0]); n != 1 {
			return fmt.Errorf("values.yaml: %q occurs %d times, want once", e[0], n)
		}
		text = strings.Replace(text, e[0], e[1], 1)
	}
	return os.WriteFile(file, []byte(text), 0o644)
}

// setMetadata sets version, appVersion and annotations as the release process does.
func setMetadata(c *chart.Chart, s charts.Source, chartDir string) error {
	if s.SetVersion {
		c.Metadata.Version, c.Metadata.AppVersion = s.Version, s.AppVersion
	}
	if len(s.Annotations)+len(s.AnnotationFiles) > 0 && c.Metadata.Annotations == nil {
		c.Metadata.Annotations = map[string]string{}
	}
	for k, v := range s.Annotations {
		c.Metadata.Annotations[k] = v
	}
	for k, f := range s.AnnotationFiles {
		b, err := os.ReadFile(filepath.Join(chartDir, f))
		if err != nil {
			return err
		}
		c.Metadata.Annotations[k] = string(b)
	}
	return nil
}

func commitTime(gitDir, commit string) (time.Time, error) {
	out, err := exec.Command("git", "--git-dir", gitDir, "log", "-1", "--format=%ct", commit).Output()
	if err != nil {
		return time.Time{}, fmt.Errorf("git log %s: %w", commit, err)
	}
	sec, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(sec, 0).UTC(), nil
}

func fileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
