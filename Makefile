# The README's two commands: `make run` and `make test`. Both install what is missing first.
SYSTEM ?= carrental
PROFILE ?= default
ARGS ?=
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all bootstrap build run test clean bench image kube-play

all: build

bootstrap:
	@scripts/bootstrap

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: bootstrap $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/bin/hexa up $(SYSTEM) --profile $(PROFILE) $(ARGS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	bench/run-all

# The services' image with podman, without a registry (README, "Kubernetes").
image: build
	scripts/image

# A system's manifests run by `podman kube play` from that image: pods start, read their
# ConfigMap, pass their probes; a sick pod's liveness failure restarts it. Minutes: not in `test`.
kube-play: image
	scripts/kube-play $(SYSTEM)

clean:
	rm -rf $(BUILD)
