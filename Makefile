# Vigil: OpenTelemetry-native runtime security collector.
# `make test` is what CI runs (through .ci/run); keep the two in step.

GO ?= go
PKGS := ./...

.PHONY: all test unit vet generate build run bench fuzz clean

all: build

## test: vet and every test, including the eBPF and end-to-end ones (as root).
test: vet unit

vet:
	$(GO) vet $(PKGS)

unit:
	$(GO) test -count=1 -timeout 30m $(PKGS)

## generate: rebuild generated code (bpf2go objects need clang; mdatagen).
generate:
	$(GO) generate $(PKGS)

## bench: the Go benchmarks whose numbers the issues report.
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

## fuzz: FUZZTIME per target (default 1m).
FUZZTIME ?= 1m
fuzz:
	$(GO) test ./rules/condition -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)

clean:
	rm -rf bin
