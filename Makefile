# Developer and CI entry points. Every target works on a fresh machine that has
# Go and the Go module proxy; nothing else needs installing.

GO        ?= go
# Every Go module of the repository: the SDK itself, the test module (suites,
# benchmarks), the emulator (test/mockserver), the Ginkgo specs of the
# emulator's internal packages (test/mockserver/specs) and the examples.
MODULES   := . test test/mockserver test/mockserver/specs $(patsubst %/go.mod,%,$(wildcard examples/go.mod))
RACE      ?= -race

.PHONY: all generate check-generated test lint bench soak demo tidy node-deps

all: lint test

## generate: rebuild gen/ (and the emulator's generated server) from api/openapi.
## GOWORK=off: the generator runs with exactly the versions pinned in go.mod,
## not the workspace's (go.work joins the SDK, test and examples modules).
generate:
	GOWORK=off $(GO) generate ./...

## check-generated: fail when generated code or go.mod/go.sum are stale.
check-generated: generate
	@status="$$(git status --porcelain -- gen test/mockserver api go.mod go.sum)"; \
	if [ -n "$$status" ]; then \
		echo "generated code is stale; run 'make generate' and commit:"; echo "$$status"; exit 1; \
	fi
	@for m in $(MODULES); do (cd $$m && $(GO) mod tidy -diff) || { echo "go.mod of $$m is not tidy"; exit 1; }; done
	@(cd tools && GOWORK=off $(GO) mod tidy -diff) || { echo "go.mod of tools is not tidy"; exit 1; }
	@echo "generated code and go.mod files are up to date"

## node-deps: install the published Node SDK that test/nodesdk drives
## (skyflow-node, pinned by test/nodesdk/package-lock.json) with npm ci.
NODE_SDK := test/nodesdk/node_modules/.package-lock.json

node-deps: $(NODE_SDK)

$(NODE_SDK): test/nodesdk/package.json test/nodesdk/package-lock.json
	cd test/nodesdk && npm ci --ignore-scripts --no-audit --no-fund

## test: every unit test and Ginkgo suite of every module, with the race detector.
test: $(NODE_SDK)
	@for m in $(MODULES); do echo "== go test $$m"; (cd $$m && $(GO) test $(RACE) -count=1 ./...) || exit 1; done

## lint: gofmt (handwritten code), go vet and staticcheck (every module).
## staticcheck is pinned in tools/go.mod, a module of its own outside the
## workspace, so neither the SDK's nor the test module's go.mod requires it;
## it is built from the module cache (checksums from tools/go.sum, no
## checksum database needed) into STATICCHECK.
STATICCHECK ?= $(or $(TMPDIR),/tmp)/skyflow-tools/staticcheck

lint:
	@bad="$$(git ls-files -co --exclude-standard '*.go' | grep -v -E '(^|/)gen/|\.gen\.go$$' | xargs gofmt -l)"; \
	if [ -n "$$bad" ]; then echo "gofmt needed:"; echo "$$bad"; exit 1; fi
	@for m in $(MODULES); do echo "== go vet $$m"; (cd $$m && $(GO) vet ./...) || exit 1; done
	@GOWORK=off $(GO) build -C tools -o $(STATICCHECK) honnef.co/go/tools/cmd/staticcheck
	@for m in $(MODULES); do echo "== staticcheck $$m"; (cd $$m && $(STATICCHECK) ./...) || exit 1; done

## demo: build every program of examples/ and run each against the in-process
## emulator (no credentials, no network), then print a pass/fail table.
## DEMOFLAGS are passed to the runner, e.g. DEMOFLAGS='-q' or DEMOFLAGS='-run token'.
demo:
	@cd examples && GO=$(GO) $(GO) run ./cmd/demo $(DEMOFLAGS)

## bench: the performance benchmarks (SDK against a raw net/http baseline,
## see BENCHMARKS.md): runs them, keeps the raw output in BENCH_OUT, and
## prints the comparison table. BENCH_ROUNDS rounds of short runs pair each
## SDK measurement with its baseline moments apart (robust on busy machines).
BENCH_ROUNDS ?= 12
BENCH_TIME   ?= 150ms
BENCH_OUT    ?= $(or $(TMPDIR),/tmp)/skyflow-bench.txt

## The emulator workloads (test/bench/emulator) run BENCH_EMU_ROUNDS rounds
## of BENCH_EMU_TIME each; BENCH_EMULATOR_BASELINE=/path/to/skyflow-mock
## also measures another build of the emulator (say, the previous one) in
## the same rounds.
BENCH_EMU_ROUNDS ?= 5
BENCH_EMU_TIME   ?= 1s
BENCH_EMULATOR_BASELINE ?=

bench:
	cd test && SKYFLOW_BENCH_ROUNDS=$(BENCH_ROUNDS) $(GO) test -run '^$$' -bench . -benchmem \
		-benchtime $(BENCH_TIME) -timeout 60m ./bench 2>&1 | tee $(BENCH_OUT)
	cd test && SKYFLOW_BENCH_ROUNDS=$(BENCH_EMU_ROUNDS) SKYFLOW_BENCH_EMULATOR_BASELINE=$(BENCH_EMULATOR_BASELINE) \
		$(GO) test -run '^$$' -bench . -benchtime $(BENCH_EMU_TIME) -timeout 60m ./bench/emulator 2>&1 | tee -a $(BENCH_OUT)
	cd test && $(GO) run ./bench/cmd/benchtable $(BENCH_OUT)

## soak: the load and fault run (see RELIABILITY.md), not part of make test:
## 64 goroutines share one client against the emulator (in a child process)
## for SOAK_DURATION while it injects 429, 500, 503, cut connections, slow
## answers and short token lifetimes; then the emulator's table is
## reconciled with the outcomes the client reported. It fails when an
## invariant is broken. Built with $(RACE) like make test; SOAK_FLAGS are
## passed on (e.g. SOAK_FLAGS='-seed 42 -failures').
SOAK_DURATION ?= 2m
SOAK_FLAGS    ?=

soak:
	cd test && $(GO) run $(RACE) ./soak -duration $(SOAK_DURATION) $(SOAK_FLAGS)

## tidy: go mod tidy in every module (and in tools/).
tidy:
	@for m in $(MODULES); do (cd $$m && $(GO) mod tidy); done
	@cd tools && GOWORK=off $(GO) mod tidy
