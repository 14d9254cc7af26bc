# aicost — build, test, install.  `make`, `make check`, `make demo`, `make install`.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/aicost
MANDIR ?= $(PREFIX)/share/man
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config

PKGS := libcurl jansson sqlite3 yaml-0.1
# libcurl's header only: http.c loads the library when a fetch starts (dlopen), so
# that no other command pays for loading it and its ~30 dependent libraries.
LINK_PKGS := $(filter-out libcurl,$(PKGS))
WARNINGS := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-nonliteral
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(LINK_PKGS) 2>/dev/null)

BUILD := build
SRCS := $(sort $(wildcard src/*.c))
# The command layer: the files that include cli.h (they parse options and print).
CLI_SRCS := $(filter-out src/main.c,$(shell grep -l '^\#include "cli.h"' $(SRCS)))
# readline is linked only into what uses it (the REPL's terminal, a command file).
ifneq ($(shell grep -l '<readline/' $(SRCS) 2>/dev/null),)
READLINE_LIBS = $(shell $(PKG_CONFIG) --libs readline 2>/dev/null || echo -lreadline)
endif

ifdef SANITIZE
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# User CPPFLAGS/CFLAGS/LDFLAGS come last so that they win.
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(PKG_CFLAGS) $(SAN_FLAGS) \
	-DAICOST_DATADIR='"$(DATADIR)"' -Isrc -MMD -MP $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
LIBS = $(PKG_LIBS) -lcsv -lm -ldl

OBJS := $(SRCS:src/%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:src/%.c=$(BUILD)/%.o)
# libaicost.a: the modules only, what the unit tests link; libaicost-cli.a the commands.
LIB_OBJS := $(filter-out $(BUILD)/main.o $(CLI_OBJS),$(OBJS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# Fuzz harnesses: replayed over their seeds and past crashes by make check (any
# compiler), fuzzed by make fuzz (clang's libFuzzer, FUZZ_SECONDS each).
FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz-*.c))
FUZZ_REPLAYS := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/replay-%)
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 20
# Both empty: a new seed each run; set (as .ci/run does), the same inputs everywhere.
FUZZ_RUNS ?=
FUZZ_SEED ?=
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_LIB_OBJS := $(LIB_OBJS:$(BUILD)/%.o=$(BUILD)/fuzz/obj/%.o) $(BUILD)/fuzz/obj/fuzz-common.o

.PHONY: all deps check unit-tests demo install uninstall clean bench fuzz fuzz-replays
all: bin/aicost pricing/catalog.db

bin/aicost: $(BUILD)/main.o $(BUILD)/libaicost-cli.a $(BUILD)/libaicost.a
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(READLINE_LIBS)

# The store seeded from the catalog, which first use copies instead of seeding
# (store-open.c): built by the program itself, so it has its schema; a CSV edited
# later no longer matches its fingerprint, and first use seeds from the CSV files.
pricing/catalog.db: bin/aicost $(wildcard pricing/*.csv)
	rm -f $@ $@-wal $@-shm $@-journal $@.new-*
	AICOST_CATALOG=pricing bin/aicost -q --db $@ pricing sources >/dev/null

$(BUILD)/%.o: src/%.c
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libaicost.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

$(BUILD)/libaicost-cli.a: $(CLI_OBJS)
	rm -f $@
	$(AR) rcs $@ $(CLI_OBJS)

$(BUILD)/tests/%.o: tests/unit/%.c
	@mkdir -p $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libaicost.a
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libaicost.a $(LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

# The command layer's own unit tests (test-cli-*.c) link it too.
$(BUILD)/tests/test-cli%: $(BUILD)/tests/test-cli%.o $(BUILD)/libaicost-cli.a $(BUILD)/libaicost.a
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libaicost-cli.a $(BUILD)/libaicost.a $(LIBS) \
		$(READLINE_LIBS) $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

unit-tests: $(UNIT_BINS)

$(BUILD)/fuzz/%.o: fuzz/%.c
	@mkdir -p $(BUILD)/fuzz
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/fuzz/replay-%: $(BUILD)/fuzz/%.o $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/common.o \
		$(BUILD)/libaicost.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

fuzz-replays: $(FUZZ_REPLAYS)
# Kept, so that a second make check relinks nothing.
.SECONDARY: $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/%.o) $(BUILD)/fuzz/replay.o $(BUILD)/fuzz/common.o

# libFuzzer builds: the library again, instrumented, in its own directory.
$(BUILD)/fuzz/obj/%.o: src/%.c
	@mkdir -p $(BUILD)/fuzz/obj
	$(FUZZ_CC) $(ALL_CFLAGS) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

$(BUILD)/fuzz/obj/fuzz-common.o: fuzz/common.c
	@mkdir -p $(BUILD)/fuzz/obj
	$(FUZZ_CC) $(ALL_CFLAGS) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

$(BUILD)/fuzz/libaicost.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $(FUZZ_LIB_OBJS)

$(BUILD)/fuzz/fuzz-%: fuzz/fuzz-%.c $(BUILD)/fuzz/libaicost.a
	$(FUZZ_CC) $(ALL_CFLAGS) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< \
		$(BUILD)/fuzz/libaicost.a $(LIBS)

fuzz: $(FUZZ_BINS) $(FUZZ_REPLAYS)
	@FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SEED=$(FUZZ_SEED) sh fuzz/run $(FUZZ_SECONDS) $(FUZZ_SRCS:fuzz/%.c=%)

deps:
	@sh scripts/install-deps -q

check: deps
	@$(MAKE) --no-print-directory all unit-tests fuzz-replays
	@bash tests/run-tests $(UNIT_BINS) $(FUZZ_REPLAYS)

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo

bench: all
	@bash bench/run

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/pricing $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5
	install -m 755 bin/aicost $(DESTDIR)$(BINDIR)/aicost
	install -m 644 pricing/*.csv pricing/catalog.db $(DESTDIR)$(DATADIR)/pricing/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/aicost
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(MANDIR)/man1/aicost*.1 $(DESTDIR)$(MANDIR)/man5/aicost*.5

clean:
	rm -rf $(BUILD) bin/aicost pricing/catalog.db

-include $(OBJS:.o=.d) $(UNIT_BINS:%=%.d) $(wildcard $(BUILD)/fuzz/*.d $(BUILD)/fuzz/obj/*.d)
