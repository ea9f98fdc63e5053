# Thin wrapper over CMake: the README's two commands.
#   make demo   install what is missing, build, run an example on a private VM
#   make check  install what is missing, build, run every test (and the unit
#               tests once more under ASan+UBSan)
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build demo check check-asan clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPVMX_WERROR=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@scripts/demo.sh $(BUILD)

check: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --timeout 180
	$(MAKE) check-asan

check-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPVMX_SANITIZE=ON -DPVMX_WERROR=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -L unit --timeout 180

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
