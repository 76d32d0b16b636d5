# ropelab — the two commands a new user needs are `make demo` and `make test`.
# Both install missing Debian packages (make setup), configure and build first.
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release
CTEST_FLAGS ?=

PACKAGES = cmake g++ make pkg-config libtorch-dev libhdf5-dev libboost-program-options-dev \
           libsentencepiece-dev nlohmann-json3-dev libopenblas0-pthread googletest libgtest-dev \
           libgloo-dev libicu-dev libssl-dev python3-matplotlib python3-h5py python3-numpy

.PHONY: all setup configure build bin test test-unit demo reproduce-mini plots clean format

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

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h' '*.cc')

clean:
	rm -rf $(BUILD)
