# Thin wrapper over CMake: the project's public interface.
#   make run   [EXTRA_ROOTFS=<dir>] [INIT=<path>]   build the ISO and boot it on this terminal
#              [LOG_NOSYS=1]                        ... whose servers log unimplemented syscalls
#   make test                                       build everything and run every test (ctest)
#   make debug [INIT=<path>] [GDB_CMDS=<file>]      boot halted under QEMU's GDB stub, GDB attached
#   make bench                                      run the benchmarks (see docs/performance.md)
BUILD        ?= build
EXTRA_ROOTFS ?=
INIT         ?= /sbin/init
LOG_NOSYS    ?=
JOBS         ?= $(shell nproc)

CMAKE_ARGS = -DOS_EXTRA_ROOTFS="$(if $(EXTRA_ROOTFS),$(abspath $(EXTRA_ROOTFS)),)" -DOS_INIT="$(INIT)" \
             -DOS_LOG_NOSYS=$(if $(filter-out 0 OFF off no,$(LOG_NOSYS)),ON,OFF)

.PHONY: all setup configure build run test debug bench clean

all: build

setup:
	@bash tools/setup.sh

configure: setup
	@cmake -S . -B $(BUILD) $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@bash tools/qemu.sh run $(BUILD)/os.iso

debug: build
	@bash tools/debug.sh $(BUILD)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

bench: build
	@cmake --build $(BUILD) --target bench

clean:
	rm -rf $(BUILD)
