# strata - build, test, bench, demo.
#
#   make                 build/strata and build/libstrata.a
#   make test            install what is missing, build, run every test
#   make test SANITIZE=1 the same under AddressSanitizer + UBSan (build-san/)
#   make check-split SANITIZE=thread  the split suite under ThreadSanitizer
#   make check-unit      unit tests only (also check-e2e, check-integration)
#   make deps            apt-get install the system packages that are missing
#   make bench           timings beside Prisma, dbmate and psql (ratios)
#   make fuzz            libFuzzer over the schema-language front end
#   make demo            local database + the example shop, end to end
#   make format-src      clang-format the C sources

CC       ?= cc
SANITIZE ?=
ifeq ($(SANITIZE),1)
BUILD    ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      := -O1
else ifeq ($(SANITIZE),thread)
BUILD    ?= build-tsan
SANFLAGS := -fsanitize=thread
OPT      := -O1
else
BUILD    ?= build
SANFLAGS :=
OPT      := -O2
endif

PG_INC   := $(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
CPPFLAGS += -Iinclude -Isrc -I$(BUILD)/gen -I$(PG_INC) -D_GNU_SOURCE
ST_CFLAGS = -std=c17 -Wall -Wextra -Wno-unused-parameter -g $(OPT) $(SANFLAGS) -MMD -MP $(CFLAGS)
ST_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LDLIBS   += -ldl -lpthread -lm

LIB_SRC  := $(sort $(shell find src/util src/psl src/sqlschema src/db src/migrate -name '*.c' 2>/dev/null))
BIN_SRC  := $(sort $(shell find src/cli src/studio -name '*.c' 2>/dev/null))
GEN_SRC  := $(if $(wildcard web/*),$(BUILD)/gen/assets.c,)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
BIN_OBJ  := $(BIN_SRC:%.c=$(BUILD)/obj/%.o) $(GEN_SRC:%.c=%.o)

UNIT_SRC := $(sort $(shell find tests/unit tests/integration -name 'test_*.c' 2>/dev/null))
UNIT_BIN := $(UNIT_SRC:tests/%.c=$(BUILD)/tests/%)
EX_SRC   := $(sort $(wildcard examples/*.c))
EX_BIN   := $(EX_SRC:examples/%.c=$(BUILD)/examples/%)

.PHONY: all test check check-unit check-e2e check-integration check-split deps bench fuzz demo clean format-src tests-build
all: $(BUILD)/strata $(BUILD)/libstrata.a

$(BUILD)/libstrata.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/strata: $(BIN_OBJ) $(BUILD)/libstrata.a
	$(CC) $(ST_LDFLAGS) -o $@ $(BIN_OBJ) $(BUILD)/libstrata.a $(LDLIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ST_CFLAGS) -c -o $@ $<

$(BUILD)/gen/assets.c: $(wildcard web/*) tools/embed-assets.sh
	@mkdir -p $(@D)
	sh tools/embed-assets.sh web > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/assets.o: $(BUILD)/gen/assets.c
	$(CC) $(CPPFLAGS) $(ST_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(BUILD)/libstrata.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ST_CFLAGS) -Itests -o $@ $< $(BUILD)/libstrata.a $(ST_LDFLAGS) $(LDLIBS) -lcmocka

$(BUILD)/examples/%: examples/%.c $(BUILD)/libstrata.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ST_CFLAGS) -o $@ $< $(BUILD)/libstrata.a $(ST_LDFLAGS) $(LDLIBS)

tests-build: all $(UNIT_BIN) $(EX_BIN)

# `make test` is what CI runs: dependencies, build, every test runner.
test: deps
	@sh tools/oracle-setup.sh
	$(MAKE) tests-build
	BUILD=$(BUILD) sh tests/run.sh all

check: tests-build
	BUILD=$(BUILD) sh tests/run.sh all
check-unit: tests-build
	BUILD=$(BUILD) sh tests/run.sh unit
check-e2e: tests-build
	BUILD=$(BUILD) sh tests/run.sh e2e
check-integration: tests-build
	BUILD=$(BUILD) sh tests/run.sh integration
check-split: all
	BUILD=$(BUILD) sh tests/run.sh split

deps:
	@sh tools/deps.sh

bench: deps all
	sh bench/run.sh

FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang SANITIZE= OPT=-O1 \
	  SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libstrata.a
	@mkdir -p build-fuzz/corpus
	clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined $(CPPFLAGS) -Ibuild-fuzz/gen \
	  -o build-fuzz/fuzz_psl tests/fuzz/fuzz_psl.c build-fuzz/libstrata.a $(LDLIBS)
	sh tests/fuzz/seed-corpus.sh build-fuzz/corpus
	build-fuzz/fuzz_psl -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 build-fuzz/corpus

demo: deps all
	sh tools/demo.sh

format-src:
	clang-format -i $(LIB_SRC) $(BIN_SRC)

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)
