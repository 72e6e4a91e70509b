# goosec build. `make` builds bin/goosec; `make test` installs what is missing, builds and runs
# every test twice: a plain build, then an AddressSanitizer + UBSan build.
#
# OUT is where objects and test programs go; BIN is where the binaries go.
# `make SANITIZE=1` selects the sanitizer build (OUT=.build/asan, BIN=.build/asan/bin).

VERSION := 0.1.0
PREFIX ?= /usr/local
CC ?= cc
FUZZ_CC ?= clang

ifeq ($(SANITIZE),1)
OUT ?= .build/asan
BIN ?= $(OUT)/bin
SANITIZER_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPTIMIZE ?= -O1 -g
else
OUT ?= .build/default
BIN ?= bin
SANITIZER_FLAGS :=
OPTIMIZE ?= -O2 -g
endif

PKGS := libfyaml jansson libpcre2-8 libssl libcrypto libzstd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# goose-run trusts nothing but signed JSON: it never links the YAML parser or PCRE2.
RUNNER_PKGS := jansson libssl libcrypto libzstd
RUNNER_LIBS := $(shell pkg-config --libs $(RUNNER_PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
BASE_CFLAGS := -std=c11 $(WARNINGS) -D_POSIX_C_SOURCE=200809L -DGOOSE_VERSION='"$(VERSION)"' \
	-iquote common -iquote vuln -iquote compiler -iquote lint -iquote emit -iquote runner -iquote $(OUT)/gen
ALL_CFLAGS := $(BASE_CFLAGS) -pthread $(OPTIMIZE) $(SANITIZER_FLAGS) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS := -pthread $(SANITIZER_FLAGS) $(LDFLAGS)

# Sources by role. Every .c under these folders is part of the build: adding a module needs no
# Makefile edit.
# vuln/ (version ordering, CVSS, purl, SBOM and OSV readers, matching) is shared code too:
# `goosec scan` and goose-run's sbom.scan step use the same matcher.
COMMON_SRC := $(wildcard common/*.c vuln/*.c)
COMPILER_SRC := $(filter-out compiler/main.c,$(wildcard compiler/*.c lint/*.c emit/*.c))
RUNNER_SRC := $(filter-out runner/main.c,$(wildcard runner/*.c))
EMBED_FILES := $(sort $(wildcard schemas/*.json schemas/meta/*/*.json schemas/meta/*/*/*.json templates/*))
GEN_EMBEDDED := $(OUT)/gen/embedded_files.c

COMMON_OBJ := $(COMMON_SRC:%.c=$(OUT)/obj/%.o) $(OUT)/obj/gen/embedded_files.o
COMPILER_OBJ := $(COMPILER_SRC:%.c=$(OUT)/obj/%.o)
RUNNER_OBJ := $(RUNNER_SRC:%.c=$(OUT)/obj/%.o)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(wildcard tests/unit/test_*.c))
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAYS := $(FUZZ_TARGETS:%=$(OUT)/fuzz/replay_%)
SUITE_RUNNERS := $(patsubst tests/suite/%.c,$(OUT)/tests/%,$(wildcard tests/suite/*.c))

.PHONY: all test check check-build demo fuzz install clean deps
all: $(BIN)/goosec $(BIN)/goose-run

$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/obj/gen/%.o: $(OUT)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/embed: scripts/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -o $@ $<

$(GEN_EMBEDDED): $(OUT)/embed $(EMBED_FILES) Makefile
	@mkdir -p $(dir $@)
	$(OUT)/embed $@ $(EMBED_FILES)

# Test programs link the archives, so each pulls in only the modules it uses. The shared code
# (common/) is its own archive: both binaries link it.
COMMON_LIB := $(OUT)/libgoosecommon.a
COMPILER_LIB := $(OUT)/libgoosec.a
RUNNER_LIB := $(OUT)/libgooserun.a
$(COMMON_LIB): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^
$(COMPILER_LIB): $(COMPILER_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^
$(RUNNER_LIB): $(RUNNER_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $(RUNNER_OBJ)

ALL_LIBS := $(COMPILER_LIB) $(RUNNER_LIB) $(COMMON_LIB)

$(BIN)/goosec: $(OUT)/obj/compiler/main.o $(COMPILER_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BIN)/goose-run: $(OUT)/obj/runner/main.o $(RUNNER_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(RUNNER_LIBS) -lm

$(OUT)/tests/test_%: tests/unit/test_%.c $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -iquote tests/unit -o $@ $^ $(ALL_LDFLAGS) $(PKG_LIBS) $(CHECK_LIBS) -lm

$(OUT)/tests/%: tests/suite/%.c $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(PKG_LIBS) -lm

# Fuzz harnesses replayed over their corpus with the normal compiler (and sanitizers in the
# SANITIZE=1 build); `make fuzz` builds real libFuzzer binaries with clang.
$(OUT)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(PKG_LIBS) -lm

check-build: $(BIN)/goosec $(BIN)/goose-run $(UNIT_TESTS) $(FUZZ_REPLAYS) $(SUITE_RUNNERS)

check: check-build
	OUT=$(OUT) BIN=$(BIN) SANITIZE=$(SANITIZE) tests/run-tests.sh

deps:
	scripts/install-deps.sh

test: deps
	$(MAKE) check
	$(MAKE) SANITIZE=1 check

demo: deps
	$(MAKE) all
	scripts/demo.sh

FUZZ_OUT := .build/fuzz
FUZZ_SRC := $(COMMON_SRC) $(COMPILER_SRC) $(RUNNER_SRC)
fuzz: $(GEN_EMBEDDED)
	@mkdir -p $(FUZZ_OUT)
	for target in $(FUZZ_TARGETS); do \
		$(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -DGOOSE_VERSION='"$(VERSION)"' -g -O1 \
			-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -iquote common -iquote vuln -iquote compiler -iquote lint -iquote emit -iquote runner -iquote $(OUT)/gen \
			$(PKG_CFLAGS) -o $(FUZZ_OUT)/fuzz_$$target tests/fuzz/fuzz_$$target.c \
			$(FUZZ_SRC) $(GEN_EMBEDDED) $(PKG_LIBS) -lm || exit 1; \
	done

install: $(BIN)/goosec $(BIN)/goose-run
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN)/goosec $(DESTDIR)$(PREFIX)/bin/goosec
	install -m 755 $(BIN)/goose-run $(DESTDIR)$(PREFIX)/bin/goose-run

clean:
	rm -rf .build bin

-include $(shell find $(OUT)/obj -name '*.d' 2>/dev/null)
