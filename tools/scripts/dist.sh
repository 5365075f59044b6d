#!/usr/bin/env bash
# Builds everything a release publishes into dist/ (emptied first):
#   pulumi-resource-eksplatform-v<V>-<os>-<arch>.tar.gz   linux, darwin, windows x amd64, arm64:
#       the plugin binary (.exe on windows) + README.md and LICENSE when the repo has them
#   eksplatform-pulumi-<V>.tgz                             npm package @eksplatform/pulumi
#   pulumi_eksplatform-<V>.tar.gz                          Python sdist
#   pulumi_eksplatform-<V>-py3-none-any.whl                Python wheel
#   pulumi-eksplatform-v<V>-checksums.txt                  sha256 of the files above
# PLUGIN_MOD (env, `make dist` sets it): the go.mod the plugin is built with, which
# replaces pulumi-kubernetes' SDK with a copy less helm/v3's Chart (Makefile, K8S_SLIM).
# VERSION (env, required; `make dist` sets it) must match the version the SDKs were
# generated with (`make sdk VERSION=<V>`). Archives are reproducible: sorted entries,
# fixed owner and mtime (SOURCE_DATE_EPOCH, default the last commit's time).
# Needs go, node/npm and python3; fetches npm packages and `build`/setuptools from PyPI.
# Usage: VERSION=0.1.0 tools/scripts/dist.sh
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERSION="${VERSION:?set VERSION, e.g. VERSION=0.1.0 $0}"
VERSION="${VERSION#v}"
PYTHON="${PYTHON:-python3}"
PLUGIN="pulumi-resource-eksplatform"
PLATFORMS=(linux-amd64 linux-arm64 darwin-amd64 darwin-arm64 windows-amd64 windows-arm64)
LDFLAGS="-s -w -X github.com/eksplatform/pulumi-eksplatform/provider.Version=${VERSION}"
DIST="$REPO/dist"

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH="$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || echo 0)"
fi
export SOURCE_DATE_EPOCH

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dist.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
log() { printf '==> %s\n' "$*" >&2; }
now() { date +%s; }
T0=$(now)

# The SDKs must carry the version being released, or users would get a plugin and
# SDKs that disagree.
check_version() { # file actual
	if [ "$2" != "$VERSION" ]; then
		echo "dist: $1 has version '$2', not $VERSION: run 'make sdk VERSION=$VERSION' first" >&2
		exit 1
	fi
}
json_version() { "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$1"; }
check_version sdk/nodejs/package.json "$(json_version "$REPO/sdk/nodejs/package.json")"
check_version sdk/go/eksplatform/pulumi-plugin.json "$(json_version "$REPO/sdk/go/eksplatform/pulumi-plugin.json")"
check_version sdk/python/pyproject.toml \
	"$(sed -n 's/^[[:space:]]*version[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' "$REPO/sdk/python/pyproject.toml" | head -n1)"

rm -rf "$DIST"
mkdir -p "$DIST"

# Copy a folder without local build/install products (as check-sdks.sh does).
copy_tree() { # src dst
	mkdir -p "$2"
	tar -C "$1" --exclude=./node_modules --exclude=./bin --exclude=./build --exclude=./dist \
		--exclude='*.egg-info' --exclude=__pycache__ -cf - . | tar -C "$2" -xf -
}

# --- plugin archives --------------------------------------------------------------
for platform in "${PLATFORMS[@]}"; do
	os="${platform%-*}" arch="${platform#*-}"
	exe="$PLUGIN"
	[ "$os" = windows ] && exe="$PLUGIN.exe"
	stage="$WORK/plugin-$platform"
	mkdir -p "$stage"
	log "plugin: $os/$arch"
	(cd "$REPO" && CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" \
		go build -trimpath ${PLUGIN_MOD:+-modfile="$PLUGIN_MOD"} -ldflags "$LDFLAGS" -o "$stage/$exe" ./provider/cmd/pulumi-resource-eksplatform)
	files=("$exe")
	for f in README.md LICENSE; do
		if [ -f "$REPO/$f" ]; then cp "$REPO/$f" "$stage/$f" && files+=("$f"); fi
	done
	tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
		-cf - "${files[@]}" | gzip -n -9 >"$DIST/$PLUGIN-v$VERSION-$platform.tar.gz"
done

# --- npm package --------------------------------------------------------------------
log "nodejs: npm install + build + pack of sdk/nodejs"
npmflags=(--no-audit --no-fund --prefer-offline --loglevel=error)
copy_tree "$REPO/sdk/nodejs" "$WORK/nodejs"
(cd "$WORK/nodejs" && npm install "${npmflags[@]}" >&2 && npm run build --silent >&2)
# Publish layout of Pulumi SDKs: the compiled bin/ with package.json and README.
cp "$WORK/nodejs/package.json" "$WORK/nodejs/README.md" "$WORK/nodejs/bin/"
if [ -f "$REPO/LICENSE" ]; then cp "$REPO/LICENSE" "$WORK/nodejs/bin/"; fi
(cd "$WORK/nodejs/bin" && npm pack --silent --pack-destination "$DIST" >/dev/null)

# --- Python sdist + wheel -----------------------------------------------------------
log "python: sdist + wheel of sdk/python"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check build >&2
copy_tree "$REPO/sdk/python" "$WORK/python"
if [ -f "$REPO/LICENSE" ]; then cp "$REPO/LICENSE" "$WORK/python/"; fi
"$WORK/venv/bin/python" -m build --sdist --wheel --outdir "$DIST" "$WORK/python" >"$WORK/build.log" 2>&1 ||
	{ cat "$WORK/build.log" >&2; exit 1; }

# --- check and list -----------------------------------------------------------------
expected=()
for platform in "${PLATFORMS[@]}"; do expected+=("$PLUGIN-v$VERSION-$platform.tar.gz"); done
expected+=("eksplatform-pulumi-$VERSION.tgz" "pulumi_eksplatform-$VERSION.tar.gz" "pulumi_eksplatform-$VERSION-py3-none-any.whl")
for f in "${expected[@]}"; do
	[ -f "$DIST/$f" ] || { echo "dist: expected $f, found: $(ls "$DIST")" >&2; exit 1; }
done
extra=$(cd "$DIST" && ls | grep -vxF -f <(printf '%s\n' "${expected[@]}") || true)
[ -z "$extra" ] || { echo "dist: unexpected files in dist/: $extra" >&2; exit 1; }

sums="pulumi-eksplatform-v$VERSION-checksums.txt"
(cd "$DIST" && sha256sum "${expected[@]}" >"$sums")
echo "dist: wrote to ${DIST#"$PWD"/} in $(( $(now) - T0 ))s:"
(cd "$DIST" && for f in "${expected[@]}" "$sums"; do printf '  %-52s %8s\n' "$f" "$(du -h "$f" | cut -f1)"; done)
