# pcaplens: the single entry point. `make run` serves the app; `make test` is what CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
NPM      ?= npm
ADDR     ?= 127.0.0.1:8080
GOROOT   := $(shell $(GO) env GOROOT)
WASMEXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
DIST     := web/dist
WASM     := $(DIST)/pcaplens.wasm
BIN      := bin/pcaplens
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
RELEASE  := CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w -X main.version=$(VERSION)"
# go test -race needs cgo; set RACE= to run without it.
RACE     ?= -race
FUZZTIME ?= 10s
CHROMIUM ?= /usr/bin/chromium
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(shell $(GO) env GOPATH)/bin/staticcheck

# The WASM module, the bundle and the CLI are rebuilt on every make (go and esbuild
# caches make that take seconds), so no list of sources can go stale.

.PHONY: help run dist wasm web types cli test deps npm chromium staticcheck vet gotest wasmtest bridge-test mcp-test typecheck webunit e2e \
        bench bench-browser bench-large bench-packets bench-packets-scroll bench-table bench-report fuzz golden agree clean

help:
	@echo "make run      build everything and serve the app on http://$(ADDR)/"
	@echo "make dist     the static site in $(DIST)/ (deployable to any static host)"
	@echo "make types    regenerate web/src/gen/reports.ts from the Go report types"
	@echo "make test     vet, Go tests, bridge tests under Node, type check, browser tests"
	@echo "make bench    Go benchmarks;  make bench-browser: packets/s in headless Chromium"
	@echo "make fuzz     a short run of every fuzz target (FUZZTIME=$(FUZZTIME))"
	@echo "make golden   rewrite golden files (review the diff)"
	@echo "make agree    share of captures agreeing with tshark 4.0, per area (needs tshark, capinfos)"

## Build

# npm ci runs when node_modules was installed from another package-lock.json
# (its hash is kept beside it), not when a checkout merely touched the file.
npm:
	@want="$$(sha256sum package.json package-lock.json | sha256sum | cut -d' ' -f1)"; \
	if [ "$$(cat node_modules/.pcaplens-lock 2>/dev/null)" != "$$want" ]; then \
		$(NPM) ci --no-audit --no-fund && echo "$$want" > node_modules/.pcaplens-lock; \
	fi

wasm:
	@mkdir -p $(DIST)
	GOOS=js GOARCH=wasm $(RELEASE) -o $(WASM) ./wasm

# The page's TypeScript types of the reports, generated from the Go report types
# (web/src/gen/reports.ts, committed; a Go test fails when it is stale).
types:
	$(GO) run ./build/tsgen

web: npm types
	node build/build.mjs

dist: wasm web
	@ls -l $(DIST)
	@echo "pcaplens.wasm: $$(stat -c %s $(WASM)) bytes, $$(gzip -9 -c $(WASM) | wc -c) gzipped"
	@echo "pcaplens-standalone.html (one file, works from file://): $$(stat -c %s $(DIST)/pcaplens-standalone.html) bytes"

# The CLI with the page embedded (build tag webdist).
cli: dist
	@mkdir -p bin
	$(RELEASE) -tags webdist -o $(BIN) ./cmd/pcaplens

run: cli
	@echo "pcaplens: open http://$(ADDR)/"
	./$(BIN) serve --addr $(ADDR)

## Test

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		SUDO=; if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
		$$SUDO apt-get install -y chromium || { $$SUDO apt-get update && $$SUDO apt-get install -y chromium; }; \
	fi

# staticcheck at the pinned version, from the Go module proxy, when missing or another version.
staticcheck:
	@if ! $(STATICCHECK) -version 2>/dev/null | grep -qF '($(patsubst v%,%,$(STATICCHECK_VERSION)))'; then \
		echo "installing staticcheck $(STATICCHECK_VERSION)"; \
		$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION); \
	fi

deps: npm chromium staticcheck

vet: staticcheck
	@unformatted="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))"; \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./analysis/... ./wasm/...
	$(STATICCHECK) ./...
	GOOS=js GOARCH=wasm $(STATICCHECK) ./analysis/... ./wasm/...

gotest:
	$(GO) test $(RACE) ./...

# The bridge's Go tests, run under Node by Go's wasm_exec.
wasmtest:
	GOOS=js GOARCH=wasm $(GO) test -exec="$(WASMEXEC)" ./wasm/...

# The bridge as JavaScript sees it: the built module under Node.
bridge-test: cli
	PCAPLENS_BIN=$(BIN) node --test wasm/test/*.test.mjs

# The MCP server (pcaplens mcp) with the official MCP TypeScript SDK as its
# client, over stdio and Streamable HTTP: tools, prompts, figures against the CLI's.
mcp-test: npm cli
	PCAPLENS_BIN=$(BIN) node --test web/test/mcp/*.test.mjs

typecheck: npm
	npx tsc --noEmit -p tsconfig.json

# Unit tests of the page's own code that needs no browser (the streaming digests).
webunit: npm
	node --test web/test/unit/*.test.mjs

e2e: deps cli
	PCAPLENS_BIN=$(BIN) CHROMIUM=$(CHROMIUM) node --test --test-concurrency=1 web/test/e2e/*.test.mjs

test: deps vet typecheck webunit gotest wasmtest bridge-test mcp-test e2e
	@echo "make test: all passed"

## Benchmarks, fuzzing, golden files

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-browser: deps cli
	PCAPLENS_BIN=$(BIN) CHROMIUM=$(CHROMIUM) node web/test/bench/bench.mjs

# A capture of about 1 GB through the page: time, and the longest main-thread stall.
bench-large: deps cli
	PCAPLENS_BIN=$(BIN) CHROMIUM=$(CHROMIUM) node web/test/bench/large.mjs

# Packets tab on ~1M real frames: tcp.analysis.retransmission's count and
# frames read back, tshark timed beside it (BENCH_CAPTURE=FILE to reuse one).
# Report tables of 500,000 rows paged from the worker: scroll, sort, filter and main-thread stalls.
bench-table: deps cli
	PCAPLENS_BIN=$(BIN) CHROMIUM=$(CHROMIUM) node web/test/bench/table.mjs

# Time to findings and report on screen and Chromium's memory for FILE, beside tshark and the engine under Node.
# BENCH_WORKERS=1,2 runs the page with ?workers=1, then ?workers=2 (default: one worker per core).
bench-report: deps cli
	PCAPLENS_BIN=$(BIN) CHROMIUM=$(CHROMIUM) node web/test/bench/report.mjs $(FILE)

bench-packets: deps cli
	PCAPLENS_BIN=$(BIN) CHROMIUM=$(CHROMIUM) node web/test/bench/packets.mjs

# Packets list scrolled through ~1M frames (jumps and a steady scroll, all
# frames and filtered by tcp): rows drawn after each step, longest main-thread stall.
bench-packets-scroll: deps cli
	PCAPLENS_BIN=$(BIN) CHROMIUM=$(CHROMIUM) node web/test/bench/packets-scroll.mjs

fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 3s $$pkg; \
		done; \
	done

# Only packages whose tests use analysis/golden know the -update flag.
golden:
	$(GO) test $$($(GO) list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... \
		| awk '/pcaplens\/analysis\/golden/ {print $$1}' | grep -v '^pcaplens/analysis/golden$$') -update

# Agreement with tshark/capinfos per area on every capture of testdata/ and of
# the shared captures (CAPTURES, found beside the checkout or a worktree);
# tshark's output is cached in testdata/agree/cache/, so re-runs take seconds.
CAPTURES ?= $(firstword $(wildcard ../shared/captures ../../shared/captures))
AGREE_FLAGS ?=
agree:
	$(GO) run ./testdata/agree $(AGREE_FLAGS) testdata/captures $(addprefix $(CAPTURES)/,real tcpdump-tests ja4)

clean:
	rm -rf $(DIST) bin
