# Vigil: OpenTelemetry-native runtime security collector.
# `make test` is what CI runs (through .ci/run); keep the two in step.

# `sudo make run` resets PATH to sudo's secure_path, which usually lacks Go.
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
PKGS := ./...
# The end-to-end tests need bin/vigil and run after everything else (see e2e).
UNIT_PKGS = $(shell $(GO) list $(PKGS) | grep -v '/e2e')

.PHONY: all test unit vet cross generate build distro-mod image run e2e bench fuzz clean

all: build

## test: vet and every test, including the eBPF and end-to-end ones (as root).
test: vet cross unit e2e

vet:
	$(GO) vet $(PKGS)

## cross: everything but the receivers builds for other systems (macOS
## here): the eBPF code stays behind linux build tags, so the rules tooling,
## the processor and the exporter can be built and used anywhere.
CROSS_PKGS = ./rules/... ./processor/... ./exporter/... ./eventattr/... ./internal/... ./cmd/...
cross:
	GOOS=darwin $(GO) build $(CROSS_PKGS)

unit:
	$(GO) test -count=1 -timeout 30m $(UNIT_PKGS)

## e2e: end-to-end tests: bin/vigil as a process, real Loki, etcd and
## kube-apiserver built from the module proxy once and cached in
## ~/.cache/vigil-e2e (about 20 minutes cold on 2 idle cores, seconds warm;
## .ci/run starts that build early, in the background).
e2e: build
	$(GO) test -count=1 -timeout 55m ./e2e/...

## build: generate distro/ from builder-config.yaml and compile bin/vigil.
# The builder only regenerates the sources here; distro/go.mod is kept by
# the distro-mod rule below, and the compile is a plain static go build
# (-mod=mod lets it follow requirement changes in the root module).
BUILDER = $(GO) tool builder --config builder-config.yaml
build: distro/go.mod
	$(BUILDER) --skip-get-modules --skip-compilation
	cd distro && CGO_ENABLED=0 GOFLAGS=-mod=mod $(GO) build -trimpath -ldflags='-s -w' -o ../bin/vigil .

## image: the container image as an OCI layout archive, bin/vigil-image.tar
## (cmd/vigil-image, no Docker needed): bin/vigil, examples/local.yaml as the
## default config and Debian's CA bundle on scratch. Load it with
## `docker load -i` or `ctr image import`; push it with crane, skopeo or oras
## (README). IMAGE names it.
IMAGE ?= ghcr.io/vigil-sec/vigil:0.1.0
image: build
	$(GO) run ./cmd/vigil-image -binary bin/vigil -config examples/local.yaml \
		-ca-certs /etc/ssl/certs/ca-certificates.crt -name $(IMAGE) -o bin/vigil-image.tar

## distro-mod: regenerate distro/go.mod and go.sum after builder-config.yaml changes.
# The builder's own module step cannot finish on this project's module
# proxy: it runs `go mod tidy` (which also resolves the imports of the
# components' tests, some of which are not in the proxy, e.g. fileexporter's
# test-only otlpencodingextension) and then `go mod download` of the whole
# graph. So the builder writes go.mod and is expected to fail there, and
# `go mod tidy -e` completes the module list the build needs.
distro-mod distro/go.mod: builder-config.yaml
	@mkdir -p bin
	@echo "distro: writing go.mod with the builder (its go mod tidy is expected to fail; see Makefile)"
	-@$(BUILDER) --skip-compilation >bin/builder.log 2>&1
	cd distro && $(GO) mod tidy -e

## run: build, then start the collector with examples/local.yaml (as root:
## sudo make run). Alerts print here and go to vigil-alerts.json; Ctrl-C stops.
run: build
	./bin/vigil --config examples/local.yaml

## generate: rebuild generated code (bpf2go objects need clang; mdatagen).
generate:
	$(GO) generate $(PKGS)

## bench: the Go benchmarks whose numbers the issues report.
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

## fuzz: the condition parser and the rules-file loader, FUZZTIME each
## (default 1m; the corpora under testdata/fuzz come from 10-minute runs).
FUZZTIME ?= 1m
fuzz:
	$(GO) test ./rules/condition -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	$(GO) test ./rules/loader -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME)

clean:
	rm -rf bin
