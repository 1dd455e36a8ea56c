# Thin wrapper over CMake presets. Everything a user needs starts here:
#   make test   install missing Debian packages, configure, build, run every test
#   make run    build and start `proxmox-mcp --demo` on stdio (stdout carries MCP only)
#   make bench  build and run the benchmarks
#   make asan   the test suite under AddressSanitizer + UndefinedBehaviorSanitizer
PRESET ?= dev
JOBS ?= $(shell nproc)
WERROR := $(if $(CI),-DPROXMOX_WERROR=ON,)

.PHONY: deps configure build test run bench asan clean

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

clean:
	rm -rf build
