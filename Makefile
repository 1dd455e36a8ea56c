# Thin wrapper over CMake presets. Everything a user needs starts here:
#   make test   install missing Debian packages, configure, build, run every test
#   make run    build and start `proxmox-mcp --demo` on stdio (stdout carries MCP only)
#   make bench  build and run the benchmarks
#   make asan   the test suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make tsan   the SDK's unit and simulator tests (threaded client included) under ThreadSanitizer
PRESET ?= dev
JOBS ?= $(shell nproc)
WERROR := $(if $(CI),-DPROXMOX_WERROR=ON,)

.PHONY: deps configure build test run bench asan tsan clean

deps:
	@bash cmake/install-deps.sh
	@bash cmake/install-node-test-deps.sh

configure: deps
	@cmake --preset $(PRESET) $(WERROR) >&2

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS) >&2

test: build
	ctest --preset $(PRESET) -j $(JOBS)

run:
	@$(MAKE) -s build PRESET=$(PRESET) >&2
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

clean:
	rm -rf build
