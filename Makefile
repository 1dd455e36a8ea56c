# Thin wrapper over CMake presets. Everything a user needs starts here:
#   make test   install missing Debian packages, configure, build, run every test
#   make run    build proxmox-mcp alone and start `proxmox-mcp --demo` on stdio (stdout: MCP only)
#   make bench  build and run the benchmarks
#   make asan   the test suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make tsan   the SDK's unit and simulator tests (threaded client included) under ThreadSanitizer
#   make fuzz   build the libFuzzer targets (clang-14) and run each FUZZ_SECONDS (default 60),
#               or until FUZZ_RUNS executions when that is set
#   make fuzz-smoke  the same, FUZZ_SMOKE_SECONDS each (make test runs it when clang-14 is there)
#   make format      format the C++ sources with .clang-format (clang-format-14; generated/ excluded)
#   make format-check  fail naming the files that are not formatted (make test runs it first)
PRESET ?= dev
JOBS ?= $(shell nproc)
WERROR := $(if $(CI),-DPROXMOX_WERROR=ON,)
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 7
FUZZ_RUNS ?=

.PHONY: deps configure build test run bench asan tsan fuzz-build fuzz fuzz-smoke fuzz-smoke-if-available format format-check clean

deps:
	@bash cmake/install-deps.sh
	@bash cmake/install-node-test-deps.sh

configure: deps
	@cmake --preset $(PRESET) $(WERROR) >&2

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS) >&2

test: format-check build
	ctest --preset $(PRESET) -j $(JOBS)
	@$(MAKE) -s fuzz-smoke-if-available

# Only proxmox-mcp and what it links: the demo needs none of the tests.
run:
	@$(MAKE) -s configure PRESET=$(PRESET) >&2
	@cmake --build --preset $(PRESET) -j $(JOBS) --target proxmox-mcp >&2
	@exec ./build/$(PRESET)/mcp-server/proxmox-mcp --demo

bench:
	@$(MAKE) -s build PRESET=release >&2
	@for b in ./build/release/tests/bench/bench_*; do [ -x "$$b" ] && "$$b"; done; true

asan:
	$(MAKE) test PRESET=asan

# The SDK's tests only: the MCP server runs one thread; the thread-safe client is the SDK's.
tsan: deps
	@cmake --preset tsan $(WERROR) >&2
	@cmake --build --preset tsan -j $(JOBS) --target unit_tests http_tests >&2
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ./build/tsan/tests/unit/unit_tests --gtest_brief=1
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ./build/tsan/tests/http/http_tests --gtest_brief=1

fuzz-build: deps
	@cmake --preset fuzz $(WERROR) >&2
	@cmake --build --preset fuzz -j $(JOBS) >&2

fuzz: fuzz-build
	@FUZZ_RUNS=$(FUZZ_RUNS) tests/fuzz/run_fuzzers.sh $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	@tests/fuzz/run_fuzzers.sh $(FUZZ_SMOKE_SECONDS)

# libFuzzer comes with clang's runtime package; without both the fuzz targets cannot be built.
fuzz-smoke-if-available:
	@if command -v clang++-14 >/dev/null && \
	    dpkg-query -W -f='$${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed"; then \
	    $(MAKE) -s fuzz-smoke; \
	else \
	    echo "note: clang++-14 or libclang-rt-14-dev missing, the fuzz smoke run is skipped" >&2; \
	fi

# Tracked C++ sources; generated code is written by libproxmox/codegen/generate.py, not formatted here.
FORMAT_FILES = git ls-files '*.cpp' '*.hpp' | grep -v '/generated/'

format:
	@$(FORMAT_FILES) | xargs clang-format-14 -i

format-check: deps
	@$(FORMAT_FILES) | xargs clang-format-14 --dry-run --Werror 2>/dev/null || \
	    { echo "not formatted (run make format):" >&2; \
	      $(FORMAT_FILES) | xargs clang-format-14 --dry-run 2>&1 | sed -n 's/^\([^: ]*\.[ch]pp\):[0-9]*:[0-9]*: .*/  \1/p' | sort -u >&2; \
	      exit 1; }

clean:
	rm -rf build
