# The README's two commands: `make run` and `make test`. Both install what is missing first.
SYSTEM ?= carrental
PROFILE ?= default
ARGS ?=
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all bootstrap build run test clean bench

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

clean:
	rm -rf $(BUILD)
