# Thin wrapper over CMake: the README's two commands.
#   make demo   install what is missing, build, run an example on a private VM
#   make check  install what is missing, build, run every test (and the unit
#               tests once more under ASan+UBSan); the s390x cross build is
#               made first, so test_hetero runs a big-endian host under qemu
#   make check-hetero  only that: build both, run integration.test_hetero
BUILD ?= build
ASAN_BUILD ?= build-asan
S390X_BUILD ?= build-s390x
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build build-s390x demo check check-asan check-hetero clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPVMX_WERROR=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# s390x (big-endian) cross build for test_hetero (docs/heterogeneous.md)
build-s390x: deps
	scripts/s390x-sysroot.sh $(S390X_BUILD)/sysroot
	cmake -S . -B $(S390X_BUILD) -DCMAKE_TOOLCHAIN_FILE=cmake/s390x.cmake -DPVMX_WERROR=ON >/dev/null
	cmake --build $(S390X_BUILD) -j $(JOBS)

demo: build
	@scripts/demo.sh $(BUILD)

check: build build-s390x
	PVMX_S390X_BUILD=$(abspath $(S390X_BUILD)) \
	  ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --timeout 180
	$(MAKE) check-asan

check-hetero: build build-s390x
	PVMX_S390X_BUILD=$(abspath $(S390X_BUILD)) \
	  ctest --test-dir $(BUILD) --output-on-failure -R '^integration\.test_hetero$$' --timeout 180

check-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPVMX_SANITIZE=ON -DPVMX_WERROR=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -L unit --timeout 180

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(S390X_BUILD)
