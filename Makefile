# ropelab — the two commands a new user needs are `make demo` and `make test`.
# Both install missing Debian packages (make setup), configure and build first.
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release
CTEST_FLAGS ?=

PACKAGES = cmake g++ make pkg-config libtorch-dev libhdf5-dev libboost-program-options-dev \
           libsentencepiece-dev nlohmann-json3-dev libopenblas0-pthread googletest libgtest-dev \
           libgloo-dev libicu-dev libssl-dev python3-matplotlib python3-h5py python3-numpy python3-scipy \
           bible-kjv bible-kjv-text debian-reference-en gnu-standards

.PHONY: all setup configure build bin test test-unit test-interop interop-venv interop-build demo reproduce-mini plots clean format format-setup format-check fuzz-setup fuzz-build fuzz fuzz-replay

all: build

setup:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing packages; run:"; echo "  sudo apt-get update && sudo apt-get install -y $$missing"; exit 1; \
	  fi; \
	fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: setup $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Only the ropelab binary (what the experiment scripts need; no test executables).
bin: configure
	cmake --build $(BUILD) -j $(JOBS) --target ropelab

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

# The paper in miniature: one seed, base + five methods (out/demo). DEMO_FLAGS=--fresh redoes it.
demo: bin
	bash experiments/run_mini.sh demo $(DEMO_FLAGS)

# The complete miniature study: + EABF ablations, 32/100/1000 samples, 3 seeds (out/mini).
reproduce-mini: bin
	bash experiments/run_mini.sh full $(DEMO_FLAGS)

plots:
	/usr/bin/python3 plots/study_figures.py out/demo
	bash plots/run_all.sh out/demo

# --- Held against Hugging Face transformers (README "Interoperability with Hugging Face
# transformers"). A virtual environment with the pinned reference stack (created once, kept
# outside the work tree so that fresh clones reuse it; reinstalled when the requirements change),
# a second build against its CUDA LibTorch 2.x, that build's unit tests, then the `interop` tests.
# Nothing else needs the environment: it is a test and benchmark reference only.
INTEROP_VENV  ?= $(HOME)/.cache/ropelab/venv-interop
INTEROP_BUILD ?= build-torch2
INTEROP_REQ   := tests/interop/requirements.txt
INTEROP_REQ4  := tests/interop/requirements-hf4.txt
INTEROP_PY    := $(INTEROP_VENV)/bin/python
CUDA_NVCC     ?= /usr/local/cuda/bin/nvcc

interop-venv:
	@if ! cmp -s $(INTEROP_REQ) $(INTEROP_VENV)/requirements.installed; then \
	  echo "interop: installing $(INTEROP_REQ) into $(INTEROP_VENV)"; \
	  python3 -m venv $(INTEROP_VENV) && \
	  $(INTEROP_PY) -m pip install -q --disable-pip-version-check -r $(INTEROP_REQ) && \
	  cp $(INTEROP_REQ) $(INTEROP_VENV)/requirements.installed; \
	fi
	@if ! cmp -s $(INTEROP_REQ4) $(INTEROP_VENV)/hf4/requirements.installed; then \
	  echo "interop: installing the transformers 4.x overlay $(INTEROP_REQ4) into $(INTEROP_VENV)/hf4"; \
	  rm -rf $(INTEROP_VENV)/hf4 && \
	  $(INTEROP_PY) -m pip install -q --disable-pip-version-check --no-deps --target $(INTEROP_VENV)/hf4 \
	    -r $(INTEROP_REQ4) && cp $(INTEROP_REQ4) $(INTEROP_VENV)/hf4/requirements.installed; \
	fi

interop-build: setup interop-venv
	@if [ ! -f $(INTEROP_BUILD)/CMakeCache.txt ]; then \
	  cuda=; [ -x $(CUDA_NVCC) ] && cuda="-DCMAKE_CUDA_COMPILER=$(CUDA_NVCC)"; \
	  TORCH_CUDA_ARCH_LIST="8.0;9.0" cmake -S . -B $(INTEROP_BUILD) $(CMAKE_FLAGS) $$cuda \
	    -DCMAKE_PREFIX_PATH="$$($(INTEROP_PY) -c 'import torch; print(torch.utils.cmake_prefix_path)')" \
	    -DROPELAB_INTEROP_PYTHON=$(INTEROP_PY); \
	fi
	cmake --build $(INTEROP_BUILD) -j $(JOBS) --target ropelab unit_tests

test-interop: interop-build
	cd $(INTEROP_BUILD) && ctest --output-on-failure -j $(JOBS) -L 'unit|interop' $(CTEST_FLAGS)

# C++ style (.clang-format), pinned to Debian 12's clang-format 14 (versions format differently).
# `make format` rewrites the sources; `make format-check` (run by .ci/run) fails on any difference.
FORMAT_PACKAGES = clang-format-14
FORMAT_SOURCES = $$(git ls-files '*.cpp' '*.h' '*.cc')
format-setup:
	@$(MAKE) --no-print-directory setup PACKAGES="$(FORMAT_PACKAGES)"

format: format-setup
	clang-format-14 -i $(FORMAT_SOURCES)

format-check: format-setup
	clang-format-14 --dry-run --Werror $(FORMAT_SOURCES)
	@echo "format-check: $$(git ls-files '*.cpp' '*.h' '*.cc' | wc -l) files match .clang-format"

clean:
	rm -rf $(BUILD)

# --- Fuzzing (README "Fuzzing"): a clang build with AddressSanitizer + UndefinedBehaviorSanitizer
# and libFuzzer (Debian's clang and libclang-rt-14-dev), one executable per fuzz/targets/ file.
# `make fuzz` runs the campaign (FUZZ_MINUTES CPU-minutes per target, resumable: the log
# fuzz/campaign.jsonl counts what each target has had); `make fuzz-replay` runs the kept corpora
# and regression inputs once through the sanitized executables (quick, deterministic; CI).
FUZZ_BUILD   ?= build-fuzz
FUZZ_MINUTES ?= 30
FUZZ_FLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize=vptr -fno-sanitize-recover=undefined
FUZZ_PACKAGES = clang libclang-rt-14-dev

fuzz-setup:
	@$(MAKE) --no-print-directory setup PACKAGES="$(PACKAGES) $(FUZZ_PACKAGES)"

fuzz-build: fuzz-setup
	@if [ ! -f $(FUZZ_BUILD)/CMakeCache.txt ]; then \
	  CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROPELAB_FUZZ=ON \
	    -DCMAKE_C_FLAGS="$(FUZZ_FLAGS)" -DCMAKE_CXX_FLAGS="$(FUZZ_FLAGS)" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="" \
	    -DCMAKE_C_FLAGS_RELWITHDEBINFO=""; \
	fi
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_all

fuzz: fuzz-build
	python3 fuzz/campaign.py --build $(FUZZ_BUILD) --minutes $(FUZZ_MINUTES) --jobs $(JOBS)

fuzz-replay: fuzz-build
	python3 fuzz/campaign.py --build $(FUZZ_BUILD) --replay
