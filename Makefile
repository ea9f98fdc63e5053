# Thin wrapper over CMake: the README's two commands.
#   make demo   install what is missing, build, run an example on a private VM
#   make check  install what is missing, then the build matrix, each with
#               -Werror (README, "Builds"): every test on a gcc Release
#               build, a clang Release build compiled only, the unit and
#               integration tests once more under ASan+UBSan (check-asan:
#               daemons, tasks and tools all sanitized), and the s390x cross
#               build, so test_hetero runs a big-endian host under qemu
#               (and, last, each libFuzzer harness FUZZ_CHECK_SECONDS: check-fuzz)
#   make soak   random traffic and faults on 3 loopback hosts for SOAK_SECONDS
#               (docs/testing.md); SOAK_BUILD=build-asan soaks the sanitized build
#   make check-hetero  only that: build both, run integration.test_hetero
#   make fuzz   the libFuzzer harnesses, FUZZ_SECONDS each (docs/fuzzing.md);
#               FUZZ_TARGETS picks some (default: all)
#   make install PREFIX=dir  build/ configured for dir, then cmake --install
#               (default /usr/local; docs/install.md)
# `make` / `make demo` build as a user would: RelWithDebInfo, no -Werror.
BUILD ?= build
CHECK_BUILD ?= build-check
CLANG_BUILD ?= build-clang
ASAN_BUILD ?= build-asan
S390X_BUILD ?= build-s390x
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
FUZZ_CHECK_SECONDS ?= 9
FUZZ_TARGETS ?=
PREFIX ?= /usr/local
SOAK_SECONDS ?= 600
SOAK_BUILD ?= $(CHECK_BUILD)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
WERROR := -DPVMX_WERROR=ON

.PHONY: all deps build build-check build-clang build-s390x build-fuzz demo check \
	check-asan check-fuzz check-hetero fuzz install soak clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPVMX_WERROR=OFF >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# the build the tests run on: gcc, Release (-O3, where gcc finds the most)
build-check: deps
	cmake -S . -B $(CHECK_BUILD) -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Release \
	  $(WERROR) >/dev/null
	cmake --build $(CHECK_BUILD) -j $(JOBS)

# clang's warnings, compiled only: the tests' results would be gcc's again
build-clang: deps
	cmake -S . -B $(CLANG_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release \
	  $(WERROR) >/dev/null
	cmake --build $(CLANG_BUILD) -j $(JOBS)

# s390x (big-endian) cross build for test_hetero (docs/heterogeneous.md)
build-s390x: deps
	scripts/s390x-sysroot.sh $(S390X_BUILD)/sysroot
	cmake -S . -B $(S390X_BUILD) -DCMAKE_TOOLCHAIN_FILE=cmake/s390x.cmake $(WERROR) >/dev/null
	cmake --build $(S390X_BUILD) -j $(JOBS)

# clang with libFuzzer, ASan and UBSan: only the harnesses and what they link
build-fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DPVMX_FUZZ=ON $(WERROR) >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

demo: build
	@scripts/demo.sh $(BUILD)

check: build-check build-clang build-s390x
	PVMX_S390X_BUILD=$(abspath $(S390X_BUILD)) \
	  ctest --test-dir $(CHECK_BUILD) --output-on-failure -j $(JOBS) --timeout 180
	$(MAKE) check-asan
	$(MAKE) check-fuzz

check-hetero: build-check build-s390x
	PVMX_S390X_BUILD=$(abspath $(S390X_BUILD)) \
	  ctest --test-dir $(CHECK_BUILD) --output-on-failure -R '^integration\.test_hetero$$' --timeout 180

# clang: gcc 12's shared libubsan writes its reports to stderr whatever
# UBSAN_OPTIONS says (its log_path is set in libasan's copy of the common
# code), and a task's stderr is forwarded output nobody checks; clang's one
# runtime puts them in the test's report directory (tests/integration/lib.sh)
check-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	  -DPVMX_SANITIZE=ON $(WERROR) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	PVMX_S390X_BUILD=$(abspath $(S390X_BUILD)) \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -L 'unit|integration' \
	  --timeout 300

# not in check (test_soak is its short run); SOAK_BUILD must be built
soak: $(if $(filter $(CHECK_BUILD),$(SOAK_BUILD)),build-check)
	PVMX_BUILD=$(abspath $(SOAK_BUILD)) PVMX_SRC=$(CURDIR) SOAK_SECONDS=$(SOAK_SECONDS) \
	  PVMX_SANITIZED=$$(grep -q '^PVMX_SANITIZE:BOOL=ON' $(SOAK_BUILD)/CMakeCache.txt && echo 1) \
	  bash tests/soak/soak.sh

# every harness a bounded time on its seeds: fails on any crash, leak or
# sanitizer report (the input is kept in $(FUZZ_BUILD)/fuzz/artifacts)
check-fuzz: build-fuzz
	fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_CHECK_SECONDS) $(FUZZ_TARGETS)

fuzz: build-fuzz
	fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# configured for PREFIX, so that the libraries' fallback path to pvmd and
# GNU's directory names (lib/<multiarch> under /usr) are the prefix's
install: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPVMX_WERROR=OFF \
	  -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(CHECK_BUILD) $(CLANG_BUILD) $(ASAN_BUILD) $(S390X_BUILD) $(FUZZ_BUILD)
