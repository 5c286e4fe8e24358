# Developer and CI entry points. Every target works on a fresh machine that has
# Go and the Go module proxy; nothing else needs installing.

GO        ?= go
# Every Go module of the repository: the SDK itself, the test module (suites,
# emulator, benchmarks) and the examples module.
MODULES   := . test $(patsubst %/go.mod,%,$(wildcard examples/go.mod))
RACE      ?= -race

.PHONY: all generate check-generated test lint bench demo tidy

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
	@echo "generated code and go.mod files are up to date"

## test: every unit test and Ginkgo suite of every module, with the race detector.
test:
	@for m in $(MODULES); do echo "== go test $$m"; (cd $$m && $(GO) test $(RACE) -count=1 ./...) || exit 1; done

## lint: gofmt (handwritten code) and go vet (everything).
lint:
	@bad="$$(git ls-files -co --exclude-standard '*.go' | grep -v -E '(^|/)gen/|\.gen\.go$$' | xargs gofmt -l)"; \
	if [ -n "$$bad" ]; then echo "gofmt needed:"; echo "$$bad"; exit 1; fi
	@for m in $(MODULES); do echo "== go vet $$m"; (cd $$m && $(GO) vet ./...) || exit 1; done

## demo: build every program of examples/ and run each against the in-process
## emulator (no credentials, no network), then print a pass/fail table.
## DEMOFLAGS are passed to the runner, e.g. DEMOFLAGS='-q' or DEMOFLAGS='-run token'.
demo:
	@cd examples && GO=$(GO) $(GO) run ./cmd/demo $(DEMOFLAGS)

## bench: the performance benchmarks (SDK against a raw net/http baseline,
## see BENCHMARKS.md): runs them, keeps the raw output in BENCH_OUT, and
## prints the tables: parity per call, coalescing, bulk inserts (10,000
## records; 1,000,000 from an iterator), large files, token exchange. Each
## of BENCH_ROUNDS rounds measures the SDK and its baseline interleaved
## (per-call workloads) or side by side; benchtable takes medians over rounds.
BENCH_ROUNDS ?= 12
BENCH_TIME   ?= 150ms
BENCH_OUT    ?= $(or $(TMPDIR),/tmp)/skyflow-bench.txt

bench:
	cd test && SKYFLOW_BENCH_ROUNDS=$(BENCH_ROUNDS) $(GO) test -run '^$$' -bench . -benchmem \
		-benchtime $(BENCH_TIME) -timeout 60m ./bench/... 2>&1 | tee $(BENCH_OUT)
	cd test && $(GO) run ./bench/cmd/benchtable $(BENCH_OUT)

## tidy: go mod tidy in every module.
tidy:
	@for m in $(MODULES); do (cd $$m && $(GO) mod tidy); done
