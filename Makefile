# elbsim build.  `make help` lists the targets.
#
# Variants build into their own folders: build/ (normal), build-asan/ (ASan+UBSan),
# build-o0/ (-O0, for the determinism check), build-dbg/ (POOL_DEBUG=1, for valgrind).

PKGS     := gsl cunit yaml-0.1 jansson zlib
# Debian's libcsv-dev ships no .pc file, hence the plain -lcsv below.
DEB_PKGS := build-essential pkg-config clang libgsl-dev libcsv-dev libyaml-dev libcunit1-dev \
            libjansson-dev zlib1g-dev \
            gnuplot-nox valgrind libopenmpi-dev openmpi-bin groff-base chromium python3 \
            python3-simpy3

BUILD    ?= build
OPT      ?= -O2
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wundef \
            -Wwrite-strings -Wformat=2 -Wcast-function-type -Wdouble-promotion
# The main build links with link-time optimization: calls between files (the engine's push
# and pop from the models, sim_now, a request's hops) inline as calls within one do
# (docs/performance.md, "Link-time optimization").  The variants build without it: they
# test, and LTO would only slow their builds.  LTO= turns it off.
ifeq ($(BUILD),build)
LTO      ?= -flto=auto
endif
CFLAGS   ?=
CFLAGS   += -std=c11 -D_POSIX_C_SOURCE=200809L -g $(OPT) -ffp-contract=off $(WARN) \
            -I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP $(LTO) $(EXTRA_CFLAGS)
LDFLAGS  += $(if $(LTO),$(LTO) $(OPT) -ffp-contract=off $(WARN)) $(EXTRA_LDFLAGS)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm
ifeq ($(POOL_DEBUG),1)
CFLAGS   += -DPOOL_DEBUG=1
endif

SIM_SRC      := $(wildcard sim/*.c)
MODELS_SRC   := $(sort $(shell find models -name '*.c'))
ANALYSIS_SRC := $(sort $(shell find analysis -name '*.c'))
CLI_SRC      := $(wildcard sim/cli/*.c)
LIB_SRC      := $(SIM_SRC) $(MODELS_SRC) $(ANALYSIS_SRC) $(filter-out sim/cli/main.c,$(CLI_SRC))
TEST_SRC     := $(wildcard tests/test_*.c) tests/unit_main.c tests/unit_util.c
BENCH_SRC    := tests/bench.c
BENCH_E2E_SRC := tests/bench_e2e.c

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/%.o)
BENCH_OBJ := $(BENCH_SRC:%.c=$(BUILD)/%.o)
BENCH_E2E_OBJ := $(BENCH_E2E_SRC:%.c=$(BUILD)/%.o)

ELBSIM    := $(BUILD)/elbsim
UNIT      := $(BUILD)/unit_tests
BENCHBIN  := $(BUILD)/bench
BENCHE2E  := $(BUILD)/bench_e2e
LIBA      := $(BUILD)/libelbsim.a

.PHONY: all deps run test test-builds unit validation e2e e2e-aws e2e-forecast experiments mpi asan asan-unit valgrind bench bench-peer lint check-headers check-layers roundtrip clang \
        determinism clean help plots golden golden-update lessons lessons-test
.PHONY: man check-man install uninstall test-the-tests mutate fuzz fuzz-build fuzz-smoke browser

all: $(ELBSIM)

help:
	@echo "make deps        install the Debian packages elbsim needs (apt-get)"
	@echo "make             build build/elbsim"
	@echo "make run         deps + build + run the quickstart"
	@echo "make test        lint, headers, layers, unit, end-to-end, experiments, validation,"
	@echo "                 determinism, golden, man page, ASan+UBSan unit tests, browser"
	@echo "make bench       benchmarks; prints figures and writes build/bench.csv"
	@echo "make bench-peer  elbsim against a SimPy model of e2e_alb_lor_100 (needs SimPy)"
	@echo "make validation  compare the simulator with queueing theory"
	@echo "make experiments compare/sweep end to end (and the MPI sweep when mpicc is there)"
	@echo "make mpi         build build-mpi/elbsim with mpicc; check mpirun -n 2 against -j 1"
	@echo "make asan        ASan+UBSan build running the unit tests, then every allocation of a"
	@echo "                 small run failed in turn (tests/alloc_faults.sh)"
	@echo "make valgrind    unit tests under valgrind with POOL_DEBUG=1"
	@echo "make plots       every example, a compare, a sweep and a forecast, drawn into out/examples/"
	@echo "make lessons     run every lesson, check its claims, write out/lessons/index.html"
	@echo "make browser     elbsim report pages checked in headless Chromium (screenshots in build/)"
	@echo "make golden      every scenario's outputs against tests/golden (byte for byte)"
	@echo "make golden-update  rewrite tests/golden after a change meant to change outputs"
	@echo "make clang       build the program and the tests with clang, warnings as errors"
	@echo "make roundtrip   every run's resolved scenario.yaml runs again to the same outputs"
	@echo "make lint        forbid wall-clock and libc randomness in sim/ and models/"
	@echo "make check-layers  which folder may include which (docs/ARCHITECTURE.md)"
	@echo "make man         rewrite docs/elbsim.1 and docs/commands.md from the --help texts"
	@echo "make check-man   man page and docs/commands.md current, troff, doc links, install"
	@echo "make install     build/elbsim and its man page into PREFIX (/usr/local), DESTDIR too"
	@echo "make uninstall   remove what make install put there"
	@echo "make clean       remove build folders"

# Installs only what is missing, so a second run is quick and quiet.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" \
	        || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	        $$missing >/dev/null || exit 1; \
	fi

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(ELBSIM): $(BUILD)/sim/cli/main.o $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(UNIT): $(TEST_OBJ) $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BENCHBIN): $(BENCH_OBJ) $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BENCHE2E): $(BENCH_E2E_OBJ) $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

run: deps
	@$(MAKE) --no-print-directory all
	@bash tests/run_quickstart.sh $(ELBSIM)

unit: $(UNIT) $(ELBSIM)
	cd $(CURDIR) && ELBSIM=$(CURDIR)/$(ELBSIM) $(UNIT) --skip validation

# Queueing theory against the full binary (tests/test_validation.c).
validation: $(UNIT) $(ELBSIM)
	cd $(CURDIR) && ELBSIM=$(CURDIR)/$(ELBSIM) $(UNIT) validation

e2e: $(ELBSIM)
	bash tests/e2e.sh $(ELBSIM)
	bash tests/e2e_plots.sh $(ELBSIM)
	bash tests/e2e_trace.sh $(ELBSIM)
	bash tests/e2e_access_logs.sh $(ELBSIM)

# The AWS-shaped outputs and inputs, EKS, and bad input's bounds: a stage of their own so
# that it runs beside e2e (make test).
e2e-aws: $(ELBSIM)
	bash tests/e2e_cloudwatch.sh $(ELBSIM)
	bash tests/e2e_calibrate.sh $(ELBSIM)
	bash tests/e2e_bounds.sh $(ELBSIM)
	bash tests/e2e_eks.sh $(ELBSIM)

# `elbsim report` on a run, a compare and a sweep, each page then opened in headless
# Chromium (tests/browser_check.py: no console error, figures drawn, the replay works;
# screenshots in build/screenshots/), and pages broken on purpose must fail the check
# (tests/e2e_report.sh).
browser: $(ELBSIM)
	bash tests/e2e_report.sh $(ELBSIM)

# `elbsim forecast`: backtest table, files and bad input (tests/e2e_forecast.sh).
e2e-forecast: $(ELBSIM)
	bash tests/e2e_forecast.sh $(ELBSIM)

# `elbsim compare` and `elbsim sweep` (tests/e2e_experiments.sh), then the MPI sweep.
experiments: $(ELBSIM)
	bash tests/e2e_experiments.sh $(ELBSIM)
	@if command -v $(MPICC) >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory mpi; \
	else echo "experiments: no $(MPICC)/mpirun, MPI sweep skipped (make deps installs them)"; fi

# Sweeps across machines: build-mpi/elbsim, compiled by mpicc with ELBSIM_MPI; a small
# sweep under `mpirun -n 2` must write the same sweep.csv as -j 1 (tests/mpi_sweep.sh).
MPICC ?= mpicc
mpi:
	@command -v $(MPICC) >/dev/null 2>&1 || { echo "make mpi: $(MPICC) not found; \
	    make deps installs libopenmpi-dev and openmpi-bin"; exit 1; }
	@$(MAKE) --no-print-directory BUILD=build-mpi CC=$(MPICC) EXTRA_CFLAGS=-DELBSIM_MPI \
	    build-mpi/elbsim
	bash tests/mpi_sweep.sh build-mpi/elbsim

# The stages of `make test`, run TEST_JOBS at a time (default: one per core) by
# tests/run_stages.sh after every build they need is made (test-builds), each stage's
# output printed whole when it ends, then the time each took.
TEST_STAGES := unit e2e e2e-aws e2e-forecast experiments validation determinism test-the-tests \
               golden roundtrip check-man asan fuzz-smoke clang lessons-test browser
TEST_JOBS ?= 0
test: lint check-headers check-layers
	@$(MAKE) --no-print-directory test-builds
	@MAKE="$(MAKE)" bash tests/run_stages.sh $(TEST_JOBS) $(TEST_STAGES)

# What the stages build, made once before they run side by side (two stages building in
# one folder at once could corrupt it).
test-builds: $(ELBSIM) $(UNIT)
	@$(MAKE) --no-print-directory BUILD=build-o0 OPT=-O0 build-o0/elbsim
	@$(MAKE) --no-print-directory BUILD=build-asan \
	    EXTRA_CFLAGS="$(ASAN_FLAGS)" EXTRA_LDFLAGS="-fsanitize=address,undefined" \
	    build-asan/unit_tests build-asan/elbsim
	@$(MAKE) --no-print-directory fuzz-build
	@if command -v $(MPICC) >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory BUILD=build-mpi CC=$(MPICC) EXTRA_CFLAGS=-DELBSIM_MPI \
	        build-mpi/elbsim; fi

# libFuzzer harnesses of every reader, with ASan+UBSan (docs/robustness.md).
FUZZ_SECONDS ?= 120
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_BIN     := $(addprefix build-fuzz/fuzz_,scenario dist set trace forecast)
# The program and the unit tests built with clang and the same warnings as errors (the
# fuzz build covers the library; this covers the command line and the tests too).
clang:
	@$(MAKE) --no-print-directory BUILD=build-clang CC=clang build-clang/elbsim \
	    build-clang/unit_tests >/dev/null && echo "clang: build-clang/elbsim and unit_tests, no warnings"

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT=-O1 \
	    EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	    build-fuzz/libelbsim.a
	@for h in scenario dist set trace forecast; do \
	    clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer $(FUZZ_SAN) \
	        tests/fuzz/fuzz_$$h.c tests/fuzz/fuzz_util.c build-fuzz/libelbsim.a \
	        $(LDLIBS) -o build-fuzz/fuzz_$$h || exit 1; done
fuzz: fuzz-build
	bash tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)
# The corpus and the regression inputs, then about 60 s of new inputs in all.
fuzz-smoke: fuzz-build
	bash tests/fuzz/run.sh build-fuzz 12

ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
              -DELBSIM_ALLOC_FAULTS
asan:
	@$(MAKE) --no-print-directory BUILD=build-asan EXTRA_CFLAGS="$(ASAN_FLAGS)" \
	    EXTRA_LDFLAGS="-fsanitize=address,undefined" unit build-asan/elbsim
	bash tests/alloc_faults.sh build-asan/elbsim

# Plant each of a fixed list of small bugs (one per model) in a scratch copy and check the
# tests catch it (tests/mutate.sh; about a minute per bug, so not part of make test).
mutate:
	bash tests/mutate.sh

# -O0 against -O2: the same scenario must print the same bytes (STYLE.md §9).
determinism: $(ELBSIM)
	@$(MAKE) --no-print-directory BUILD=build-o0 OPT=-O0 build-o0/elbsim
	bash tests/determinism.sh $(ELBSIM) build-o0/elbsim

# The tests of the tests: determinism.sh and the e2e scripts fail when elbsim crashes, even
# after writing every output (tests/test_the_tests.sh, against a stand-in that crashes).
test-the-tests: $(ELBSIM)
	@$(MAKE) --no-print-directory BUILD=build-o0 OPT=-O0 build-o0/elbsim
	bash tests/test_the_tests.sh $(ELBSIM) build-o0/elbsim

# Every example in scenarios/examples/ run and drawn into out/examples/<name>/ (the PNGs
# the docs show come from here), then a folder of each other command drawn too:
# out/examples/compare-lor (elbsim compare), sweep-capacity (elbsim sweep) and
# forecast-backtest (elbsim forecast).  Not part of `make test`: the week-long examples
# take a minute.
plots: $(ELBSIM)
	@set -e; for f in scenarios/examples/*.yaml; do \
	    n=$$(basename $$f .yaml); \
	    $(ELBSIM) run $$f -q -o out/examples/$$n || [ $$? -eq 3 ]; \
	    $(ELBSIM) plot out/examples/$$n; \
	done
	@set -e; \
	$(ELBSIM) compare scenarios/examples/heterogeneous_lor.yaml \
	    --vary target_groups.app.algorithm=round_robin,least_outstanding_requests,'power_of_d(d=2)' \
	    --reps 5 --set duration=600s -q -o out/examples/compare-lor >/dev/null; \
	$(ELBSIM) plot out/examples/compare-lor; \
	$(ELBSIM) sweep scenarios/examples/sweep_capacity.yaml \
	    --vary target_groups.web.targets.0.count=6..10 \
	    --vary target_groups.web.algorithm=round_robin,least_outstanding_requests \
	    --reps 3 --set duration=300s -q -o out/examples/sweep-capacity >/dev/null || [ $$? -eq 3 ]; \
	$(ELBSIM) plot out/examples/sweep-capacity; \
	$(ELBSIM) forecast scenarios/examples/forecast_history.csv --target-per-instance 100 \
	    -o out/examples/forecast-backtest >/dev/null; \
	$(ELBSIM) plot out/examples/forecast-backtest

# The lesson gallery (scenarios/lessons/gallery.yml, docs/lessons.md): every lesson run,
# its claims checked (a false one fails, naming the lesson and its numbers), and
# out/lessons/index.html written.  lessons-test (part of `make test`) does the same in a
# temporary folder, then checks the page and the command's errors (tests/e2e_lessons.sh).
lessons: $(ELBSIM)
	$(ELBSIM) lessons scenarios/lessons/gallery.yml -o out/lessons

lessons-test: $(ELBSIM)
	bash tests/e2e_lessons.sh $(ELBSIM)

# The resolved scenario.yaml of every scenario runs again to the same outputs.
roundtrip: $(ELBSIM)
	bash tests/roundtrip.sh $(ELBSIM)

# Every scenario's outputs, byte for byte, against tests/golden (tests/golden.sh).
golden: $(ELBSIM)
	bash tests/golden.sh $(ELBSIM)

golden-update: $(ELBSIM)
	bash tests/golden.sh $(ELBSIM) --update

valgrind:
	@$(MAKE) --no-print-directory BUILD=build-dbg POOL_DEBUG=1 build-dbg/unit_tests build-dbg/elbsim
	ELBSIM_QUICK=1 ELBSIM=$(CURDIR)/build-dbg/elbsim valgrind --error-exitcode=1 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect -q build-dbg/unit_tests --skip validation
	valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect -q \
	    build-dbg/elbsim run tests/data/e2e_small.yaml -q -o build-dbg/vg-run

bench: $(BENCHBIN) $(BENCHE2E) $(ELBSIM)
	$(BENCHBIN) $(BUILD)/bench.csv
	$(BENCHE2E) $(BUILD)/bench.csv

# elbsim against SimPy on e2e_alb_lor_100's model: both means with 95 % intervals, whether
# they agree, the speed ratio (tests/peer/compare.py).  Not part of bench or test; installs
# nothing: without SimPy it says how to get it and exits 0.  PEER_ARGS: DURATION_S
# WARMUP_S BATCHES RUNS.
PEER_ARGS ?= 65 5 20 3
bench-peer: $(ELBSIM)
	@py=""; for p in python3 /usr/bin/python3; do \
	    if $$p -c 'import simpy' 2>/dev/null; then py=$$p; break; fi; done; \
	if [ -z "$$py" ]; then \
	    echo "bench-peer: SimPy not found, nothing run.  Install it with make deps, or"; \
	    echo "    sudo apt-get install python3-simpy3   (Debian: SimPy 3; python3-simpy is SimPy 2, another API)"; \
	    echo "or  pip install simpy"; \
	else $$py tests/peer/compare.py $(ELBSIM) $(PEER_ARGS); fi

# The simulator must not read the wall clock or use libc randomness (STYLE.md §9).
lint:
	@if grep -nE '\brand\(|\bsrand\(|\btime\(|clock_gettime|gettimeofday|gsl_rng_env_setup|getenv\(' \
	    sim/*.c sim/*.h $$(find models -name '*.[ch]') 2>/dev/null; then \
	    echo "lint: forbidden call in sim/ or models/ (wall clock, rand, environment)"; exit 1; \
	else echo "lint: ok"; fi

# Every header compiles on its own.
# Which folder may include which (docs/ARCHITECTURE.md "Layers"); --graph prints the
# include graph between folders.
check-layers:
	@bash tests/check_layers.sh

check-headers:
	@set -e; for h in sim/*.h $$(find models analysis -name '*.h' | sort) sim/cli/*.h; do \
	    [ -f "$$h" ] || continue; \
	    echo "#include \"$$h\"" | $(CC) -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -I. \
	        $$(pkg-config --cflags $(PKGS)) -x c -fsyntax-only - || { echo "header $$h"; exit 1; }; \
	done; echo "check-headers: ok"

# The manual page and docs/commands.md, rendered from the program's own --help texts.
man: $(ELBSIM)
	bash tools/mkman.sh $(ELBSIM) man > docs/elbsim.1.tmp || { rm -f docs/elbsim.1.tmp; exit 1; }
	bash tools/mkman.sh $(ELBSIM) md > docs/commands.md.tmp || { rm -f docs/commands.md.tmp; exit 1; }
	mv docs/elbsim.1.tmp docs/elbsim.1 && mv docs/commands.md.tmp docs/commands.md

# Both equal a fresh rendering (else: make man), the troff is well formed, the links of
# README.md and docs/ resolve, install and uninstall work (tools/check_man.sh).
check-man: $(ELBSIM)
	@MAKE="$(MAKE)" bash tools/check_man.sh $(ELBSIM)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man

install: $(ELBSIM)
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MANDIR)/man1"
	install -m 755 $(ELBSIM) "$(DESTDIR)$(BINDIR)/elbsim"
	install -m 644 docs/elbsim.1 "$(DESTDIR)$(MANDIR)/man1/elbsim.1"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/elbsim" "$(DESTDIR)$(MANDIR)/man1/elbsim.1"

clean:
	rm -rf build build-asan build-o0 build-dbg build-cov build-mpi

-include $(shell find build build-* -name '*.d' 2>/dev/null)
