# Adiabat — build, test and run. Every target first makes sure the Debian packages the
# package links against are present (installing them with apt-get when pkg-config cannot
# find them), so a fresh machine needs nothing but Swift.

SWIFT        ?= swift
APT_PACKAGES := libgsl-dev liblapacke-dev libarpack2-dev pkg-config
PKGS         := gsl lapacke arpack
CONFIG       ?= release
BIN          := .build/$(CONFIG)/adiabat
DEMO_PROBLEM ?= double-well
REPORT_DIR   ?= report
BENCH_ARGS   ?=

.PHONY: all deps build test test-slurm demo check-report bench fuzz interop format lint clean

all: build

## deps: install the system libraries (GSL, LAPACKE, ARPACK) if pkg-config cannot find them
deps:
	@if pkg-config --exists $(PKGS) 2>/dev/null; then :; else \
	  echo "adiabat: installing system packages: $(APT_PACKAGES)"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) || \
	  { echo "error: could not install $(APT_PACKAGES) with apt-get; install them by hand" >&2; exit 1; }; \
	fi

## build: compile the adiabat command (optimised)
build: deps
	$(SWIFT) build -c $(CONFIG) --product adiabat

## test: run the whole test suite (optimised build: the numerical tests are heavy)
test: deps
	$(SWIFT) build -c $(CONFIG) --build-tests
	$(SWIFT) test -c $(CONFIG) --skip-build --parallel

## demo: the main job — install what is missing, build, and compare quantum evolution and
## diffusion sampling on a bundled problem; the report lands in $(REPORT_DIR)/ (gitignored).
## A rerun reuses the finished cells; `make demo DEMO_PROBLEM=sk10` runs the annealing side.
demo: build
	@$(BIN) --version
	$(BIN) compare $(DEMO_PROBLEM) --report $(REPORT_DIR)/$(DEMO_PROBLEM)
	@echo
	@echo "adiabat: the report is $(CURDIR)/$(REPORT_DIR)/$(DEMO_PROBLEM)/report.html"
	@echo "adiabat: open it in a browser (it needs no network); docs/tutorial.md walks through it"

## check-report: render compare reports (double-well, sk10-dwave) in headless chromium, installed
## with apt-get when missing, and check the rendered layout; screenshots and PDFs land in
## $(REPORT_DIR)/check-report/ (gitignored). Fails loudly when chromium does not start.
check-report: build
	BIN=$(BIN) tools/check-report $(REPORT_DIR)/check-report

## test-slurm: a small campaign through a one-node Slurm cluster on this machine (as root;
## tools/slurm-cluster installs slurm-wlm and munge with apt-get when missing): a 4-task array,
## one task cancelled while it runs and resubmitted, the merge checked against a one-machine run.
## About a minute; fails loudly when the cluster does not come up (docs/campaigns.md).
test-slurm: build
	BIN=$(BIN) tools/test-slurm

## bench: peer comparisons (installs QuTiP, SciPy, dimod, dwave-samplers, OpenJij with pip into
## benchmarks/.venv); BENCH_ARGS passes options, e.g. make bench BENCH_ARGS="--rows sqa --merge"
bench: build
	benchmarks/run $(BENCH_ARGS)

## interop: load every kind of file adiabat writes with NumPy, dimod and QuTiP (pip, into
## tools/interop/.venv) and compare with the peers' own computations (docs/data-out.md)
interop: build
	tools/interop/run

## fuzz: mutated problem files and absurd options against the built binary, each run under a
## time limit and a memory cap; fails on a crash, a hang, stderr that is not one `error:` line
## or inf/nan in the output. FUZZ_SECONDS bounds it (CI: make fuzz FUZZ_SECONDS=20).
FUZZ_SECONDS ?= 180
fuzz: build
	ADIABAT=$(CURDIR)/$(BIN) tools/fuzz $(FUZZ_SECONDS)

## format: rewrite sources with swift-format (configuration in .swift-format)
format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

## lint: report formatting problems
lint:
	$(SWIFT) format lint --recursive Sources Tests Package.swift

clean:
	rm -rf .build
