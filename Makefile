# EksPlatform. `make demo` runs the platform through the real Pulumi engine against the
# simulated cloud; `make test` runs every test. Both install what they need.

VERSION        ?= 0.1.0
PULUMI_VERSION := v3.259.0
# golangci-lint, built from the Go module proxy into bin/ once per version.
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT  := $(CURDIR)/bin/golangci-lint
# The YAML language host, built in a module of its own (tools/yamlhost): pulumi-yaml
# v1.25.0 resolves pkg/v3 and sdk/v3 v3.206.0 and does not compile against v3.259.0.
YAML_VERSION   := v1.25.0
GO             ?= go
BIN            := $(CURDIR)/bin
# -s -w: no symbol table or DWARF; the plugin ships to every user (212 MB unstripped).
LDFLAGS        := -s -w -X github.com/eksplatform/pulumi-eksplatform/provider.Version=$(VERSION)
PLUGIN         := $(BIN)/pulumi-resource-eksplatform
# The plugin is built against pulumi-kubernetes v4's Go SDK without helm/v3's client-side
# Chart (helm/v3/chart.go and chartPulumiTypes.go): those two files are the only importer
# of kubernetes/yaml, which imports every Kubernetes API group (62 packages, half the
# plugin's functions); the component uses helm/v3's Release only. $(K8S_SLIM) is a copy
# of the verified module from the module cache less those two files, and the plugin's
# go.mod replaces the module with it (go build -modfile): 139.8 MB → 77.5 MB stripped,
# 62 fewer packages to compile (docs/design.md, "Build time and size").
K8S_SDK        := github.com/pulumi/pulumi-kubernetes/sdk/v4
K8S_SLIM       := $(BIN)/slim/pulumi-kubernetes-sdk
PLUGIN_MOD     := $(BIN)/slim/plugin.mod
PULUMI         := $(BIN)/pulumi
# A real Kubernetes control plane for the tests (tools/internal/kubeapi), built from Go
# modules in a module of its own (tools/kubeapi, which pins both versions) once per
# version: kube-apiserver of k8s.io/kubernetes and etcd (go.etcd.io/etcd/server/v3, the
# version that Kubernetes release pins, through a small embed main of ours).
KUBE_VERSION   := v1.36.3
ETCD_VERSION   := v3.6.8
KUBE_APISERVER := $(BIN)/kube-apiserver
ETCD           := $(BIN)/etcd
# /version reports v0.0.0 unless the release's version is stamped in.
KUBE_LDFLAGS   := -s -w -X k8s.io/component-base/version.gitVersion=$(KUBE_VERSION) \
	-X k8s.io/component-base/version.gitMajor=$(word 1,$(subst ., ,$(patsubst v%,%,$(KUBE_VERSION)))) \
	-X k8s.io/component-base/version.gitMinor=$(word 2,$(subst ., ,$(KUBE_VERSION)))
YAMLHOST       := $(BIN)/pulumi-language-yaml
SIM_PLUGINS    := $(BIN)/pulumi-resource-aws $(BIN)/pulumi-resource-kubernetes $(BIN)/pulumi-resource-tls
# The previous release's plugin, for the upgrade test (tools/e2e/upgrade010_test.go).
# 0.1.0 has no git tag: it is commit bf4f919, the tree docs/CHANGELOG.md's "0.1.0"
# section describes (its child 235a049 wrote that changelog; the plugin's code is the
# same from 4a2d6a4 on). Built from that commit's `git archive` (so it needs the
# repository's history, not a shallow clone), once.
PREV_VERSION   := 0.1.0
PREV_COMMIT    := bf4f919241973b947d3cd7a60d0810534d7509f9
PREV_PLUGIN    := $(BIN)/eksplatform-$(PREV_VERSION)/pulumi-resource-eksplatform

export PATH := $(BIN):$(PATH)
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK := true

.PHONY: build schema sdk crds docs lint test unit check-sdks e2e demo bench dist tools kubeapi clean

## build: the plugin, bin/pulumi-resource-eksplatform
build: $(PLUGIN_MOD)
	$(GO) build -modfile=$(PLUGIN_MOD) -ldflags "$(LDFLAGS)" -o $(PLUGIN) ./provider/cmd/pulumi-resource-eksplatform

# go.mod and go.sum plus the replace; remade when they change (the copy too: a new
# pulumi-kubernetes version is a new copy). The build fails if the provider ever uses
# helm/v3's Chart.
$(PLUGIN_MOD): go.mod go.sum
	rm -rf $(BIN)/slim && mkdir -p $(BIN)/slim
	$(GO) mod download $(K8S_SDK)
	cp -R "$$($(GO) list -m -f '{{.Dir}}' $(K8S_SDK))" $(K8S_SLIM)
	chmod -R u+w $(K8S_SLIM)
	rm $(K8S_SLIM)/go/kubernetes/helm/v3/chart.go $(K8S_SLIM)/go/kubernetes/helm/v3/chartPulumiTypes.go
	cp go.sum $(BIN)/slim/plugin.sum
	cp go.mod $@.tmp && echo 'replace $(K8S_SDK) => $(K8S_SLIM)' >> $@.tmp && mv $@.tmp $@

## schema: refresh provider/schema.json (embedded in the plugin) from schema.yaml
schema:
	$(GO) test ./provider -run TestEmbeddedSchemaMatchesYAML -update

## sdk: regenerate sdk/{go,nodejs,python} from schema.yaml
sdk: schema
	cd tools && $(GO) run ./cmd/gensdk -schema ../schema.yaml -version $(VERSION) -out ../sdk

## crds: the gzipped copies of the vendored CRDs the plugin embeds (provider/pkg/addons/provenance.go)
crds:
	for f in provider/pkg/addons/crds/*.yaml; do gzip -9 -n -k -f $$f; done

## docs: regenerate docs/inputs.md (the inputs reference) from schema.yaml, and docs/catalogue.md and the tables of provider/pkg/addons/policies/SOURCES.md from the add-on catalogue
docs:
	cd tools && $(GO) run ./cmd/gendocs -schema ../schema.yaml -out ../docs/inputs.md -repo ..

## lint: go vet, gofmt and golangci-lint (pinned, built into bin/) over both modules
lint: $(BIN)/.golangci-lint-$(GOLANGCI_LINT_VERSION)
	$(GO) vet ./...
	cd tools && $(GO) vet ./...
	@out=$$(gofmt -l provider sdk/go examples tools) || exit 1; \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GOLANGCI_LINT) run ./...
	cd tools && $(GOLANGCI_LINT) run --config ../.golangci.yml ./...

$(BIN)/.golangci-lint-$(GOLANGCI_LINT_VERSION):
	mkdir -p $(BIN)
	GOBIN=$(BIN) GOFLAGS=-mod=mod $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	touch $@

## unit: unit tests of both modules (the end-to-end tests run in `make e2e`); the tools
## module's include the checks against a real API server, so they need its binaries
unit: kubeapi
	$(GO) test ./...
	cd tools && $(GO) test $$($(GO) list ./... | grep -v /e2e)

## check-sdks: build, pack, install and type-check the SDKs and examples as a user would
check-sdks:
	bash tools/scripts/check-sdks.sh

## tools: the Pulumi CLI, YAML language host, kube-apiserver and etcd (built from Go modules, cached), the simulated cloud plugins and the previous release's plugin
tools: $(PULUMI) $(YAMLHOST) kubeapi $(SIM_PLUGINS) $(PREV_PLUGIN)

$(PREV_PLUGIN):
	mkdir -p $(dir $@)
	src=$$(mktemp -d) && git archive $(PREV_COMMIT) | tar -x -C $$src && \
	  (cd $$src && $(GO) build -ldflags "-s -w -X github.com/eksplatform/pulumi-eksplatform/provider.Version=$(PREV_VERSION)" -o $@ ./provider/cmd/pulumi-resource-eksplatform); \
	  rc=$$?; rm -rf $$src; exit $$rc

# The CLI takes minutes to build, so it is built once per version (the stamp file), not
# whenever tools/go.mod changes. tools/go.mod pins it with a `tool` directive.
$(PULUMI): $(BIN)/.pulumi-$(PULUMI_VERSION)
$(BIN)/.pulumi-$(PULUMI_VERSION):
	mkdir -p $(BIN)
	cd tools && $(GO) build -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(PULUMI_VERSION)" -o $(PULUMI) github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
	touch $@

# Built once per version like the CLI; tools/yamlhost/go.mod pins it with a `tool` directive.
$(YAMLHOST): $(BIN)/.pulumi-language-yaml-$(YAML_VERSION)
$(BIN)/.pulumi-language-yaml-$(YAML_VERSION):
	mkdir -p $(BIN)
	cd tools/yamlhost && $(GO) build -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$(YAML_VERSION)" -o $(YAMLHOST) github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
	touch $@

## kubeapi: bin/kube-apiserver and bin/etcd only (the tests' real control plane)
kubeapi: $(KUBE_APISERVER) $(ETCD)

# Built once per version like the CLI (about 5 minutes cold on 2 idle cores, 2 s warm).
$(KUBE_APISERVER): $(BIN)/.kube-apiserver-$(KUBE_VERSION)
$(BIN)/.kube-apiserver-$(KUBE_VERSION):
	mkdir -p $(BIN)
	cd tools/kubeapi && $(GO) build -ldflags "$(KUBE_LDFLAGS)" -o $(KUBE_APISERVER) k8s.io/kubernetes/cmd/kube-apiserver
	touch $@

# Our embed main is rebuilt when it changes, etcd itself once per version.
$(ETCD): $(BIN)/.etcd-$(ETCD_VERSION)
$(BIN)/.etcd-$(ETCD_VERSION): tools/kubeapi/cmd/etcd/main.go
	mkdir -p $(BIN)
	cd tools/kubeapi && $(GO) build -ldflags "-s -w" -o $(ETCD) ./cmd/etcd
	touch $@

$(SIM_PLUGINS): $(shell find tools/simcloud tools/cmd/simcloud -name '*.go' 2>/dev/null) $(wildcard provider/pkg/fakeaws/*.go)
	mkdir -p $(BIN)
	cd tools && $(GO) build -o $(BIN)/simcloud ./cmd/simcloud
	for p in aws kubernetes tls; do ln -sf simcloud $(BIN)/pulumi-resource-$$p; done

## e2e: the real engine over the simulated cloud, from Go, TypeScript and Python
e2e: build tools
	cd tools && $(GO) test -count=1 -timeout 30m ./e2e/...

## demo: the example platform through the real engine against the simulated cloud
# Only what a Go inline program needs: the plugin, the CLI and the simulator (no YAML
# host, no previous release), so a first run on a new machine compiles as little as it can.
demo: build $(PULUMI) $(SIM_PLUGINS)
	cd tools && $(GO) run ./cmd/demo

## bench: provisioning ratio, Construct cost, plugin start-up and size, no-op up
bench: build $(PULUMI) $(SIM_PLUGINS)
	cd tools && $(GO) run ./cmd/bench

## dist: plugin archives for every platform, the npm tarball, the Python sdist and wheel
dist: $(PLUGIN_MOD)
	VERSION=$(VERSION) PLUGIN_MOD=$(PLUGIN_MOD) bash tools/scripts/dist.sh

## test: everything CI runs
test: lint unit check-sdks e2e

clean:
	rm -rf $(BIN) dist .bench .e2e
