#!/usr/bin/env bash
# Builds the generated SDKs the way a user would and type-checks the examples:
#   Go:     go build + go vet of ./sdk/go/... and the Go examples (./examples/...) in the
#           root module
#   Node:   npm install + tsc build + npm pack of sdk/nodejs, then a fresh consumer
#           project (@pulumi/pulumi 3.263.0, pinned typescript) installs the tarball
#           and runs tsc --noEmit over a generated smoke program, examples/ts/*.ts and
#           examples/karpenter/*.ts
#   Python: pip install ./sdk/python into a fresh venv, import it, py_compile
#           examples/python/*.py and examples/automode/*.py
# Runnable from any folder; needs go, node/npm and python3 on PATH and the npm,
# PyPI and Go module registries (caches are reused). Usage:
#   tools/scripts/check-sdks.sh [go] [nodejs] [python]     (default: all three)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PULUMI_NODE_VERSION="3.263.0"   # the @pulumi/pulumi a consumer project pins
TYPESCRIPT_VERSION="5.9.3"      # the typescript a consumer project pins
PYTHON="${PYTHON:-python3}"

langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(go nodejs python)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/check-sdks.XXXXXX")"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

summary=()
now() { date +%s; }
log() { printf '==> %s\n' "$*" >&2; }

# Copy a folder without local build/install products.
copy_tree() { # src dst
	mkdir -p "$2"
	tar -C "$1" --exclude=./node_modules --exclude=./bin --exclude=./build --exclude=./dist \
		--exclude='*.egg-info' --exclude=__pycache__ -cf - . | tar -C "$2" -xf -
}

check_go() {
	local t0; t0=$(now)
	log "go: build + vet ./sdk/go/... ./examples/..."
	(cd "$REPO" && go build ./sdk/go/... ./examples/... && go vet ./sdk/go/... ./examples/...)
	local n; n=$(cd "$REPO" && go list ./sdk/go/... | wc -l)
	local ex; ex=$(cd "$REPO" && go list ./examples/... | wc -l)
	summary+=("go:     ok  ($n SDK packages and $ex example packages built and vetted, $(( $(now) - t0 ))s)")
}

check_nodejs() {
	local t0; t0=$(now)
	local npmflags=(--no-audit --no-fund --prefer-offline --loglevel=error)
	local sdk="$WORK/nodejs-sdk"
	log "nodejs: npm install + build + pack of sdk/nodejs"
	copy_tree "$REPO/sdk/nodejs" "$sdk"
	(cd "$sdk" && npm install "${npmflags[@]}" >&2 && npm run build --silent >&2)
	# Publish layout of Pulumi SDKs: the compiled bin/ with package.json and README.
	cp "$sdk/package.json" "$sdk/README.md" "$sdk/bin/"
	local tgz
	tgz=$(cd "$sdk/bin" && npm pack --silent --pack-destination "$WORK" | tail -n1)
	log "nodejs: packed $tgz"

	local consumer="$WORK/consumer"
	mkdir -p "$consumer"
	cat >"$consumer/package.json" <<JSON
{
  "name": "eksplatform-sdk-consumer",
  "private": true,
  "dependencies": {
    "@pulumi/pulumi": "$PULUMI_NODE_VERSION",
    "@eksplatform/pulumi": "file:../$tgz"
  },
  "devDependencies": {
    "typescript": "$TYPESCRIPT_VERSION",
    "@types/node": "^20"
  }
}
JSON
	cat >"$consumer/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "strict": true,
    "esModuleInterop": true,
    "skipLibCheck": true,
    "types": ["node"],
    "noEmit": true
  },
  "include": ["*.ts", "examples/**/*.ts"]
}
JSON
	# Smoke program: the required inputs, a nested type, an enum-free plain object
	# and the outputs users read most.
	cat >"$consumer/smoke.ts" <<'TS'
import * as pulumi from "@pulumi/pulumi";
import * as eksplatform from "@eksplatform/pulumi";
import { EksPlatform } from "@eksplatform/pulumi";

export function program() {
    const platform = new EksPlatform("x", {
        publicSubnetIds: ["subnet-a", "subnet-b"],
        privateSubnetIds: [pulumi.output("subnet-c"), "subnet-d"],
        nodeGroups: [{ name: "general" }],
    });
    const kubeconfig: pulumi.Output<string> = platform.kubeconfig;
    const clusterName: pulumi.Output<string> = platform.clusterName;
    const args: eksplatform.EksPlatformArgs = { publicSubnetIds: [], privateSubnetIds: [] };
    return { kubeconfig, clusterName, args };
}
TS
	local examples=0
	if [ -d "$REPO/examples/ts" ]; then
		copy_tree "$REPO/examples/ts" "$consumer/examples"
		rm -f "$consumer/examples/package.json" "$consumer/examples/package-lock.json" "$consumer/examples/tsconfig.json"
	fi
	# examples/karpenter is the Karpenter cluster (SCENARIOS #9), in TypeScript.
	if [ -d "$REPO/examples/karpenter" ]; then
		copy_tree "$REPO/examples/karpenter" "$consumer/examples/karpenter"
		rm -f "$consumer/examples/karpenter/package.json" "$consumer/examples/karpenter/package-lock.json" \
			"$consumer/examples/karpenter/tsconfig.json"
	fi
	if [ -d "$consumer/examples" ]; then
		examples=$(find "$consumer/examples" -name '*.ts' ! -name '*.d.ts' | wc -l)
	fi
	log "nodejs: consumer install + tsc --noEmit (smoke.ts + $examples example files)"
	(cd "$consumer" && npm install "${npmflags[@]}" >&2 && npx --no-install tsc -p tsconfig.json)
	summary+=("nodejs: ok  (built, packed $tgz, type-checked smoke.ts + $examples examples/ts and examples/karpenter files, $(( $(now) - t0 ))s)")
}

check_python() {
	local t0; t0=$(now)
	local venv="$WORK/venv"
	log "python: pip install sdk/python into a fresh venv"
	"$PYTHON" -m venv "$venv"
	copy_tree "$REPO/sdk/python" "$WORK/python-sdk"
	"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$WORK/python-sdk" >&2
	"$venv/bin/python" -c "import pulumi_eksplatform; print(pulumi_eksplatform.EksPlatform)" >&2
	local examples=0
	if [ -d "$REPO/examples/python" ]; then
		local files=()
		# examples/automode is the Auto Mode cluster (SCENARIOS #10), in Python.
		while IFS= read -r -d '' f; do files+=("$f"); done \
			< <(find "$REPO/examples/python" "$REPO/examples/automode" -name '*.py' -not -path '*/.venv/*' -print0 | sort -z)
		examples=${#files[@]}
		if [ "$examples" -gt 0 ]; then
			# Compile to a throwaway cache so the work tree gets no __pycache__.
			PYTHONPYCACHEPREFIX="$WORK/pycache" "$venv/bin/python" -m py_compile "${files[@]}"
		fi
	fi
	summary+=("python: ok  (installed, imported pulumi_eksplatform, py_compiled $examples examples/python and examples/automode files, $(( $(now) - t0 ))s)")
}

T0=$(now)
for lang in "${langs[@]}"; do
	case "$lang" in
	go) check_go ;;
	nodejs | node | ts) check_nodejs ;;
	python | py) check_python ;;
	*) echo "check-sdks: unknown language '$lang' (go, nodejs, python)" >&2; exit 2 ;;
	esac
done
printf '%s\n' "${summary[@]}"
echo "check-sdks: all SDK checks passed in $(( $(now) - T0 ))s"
