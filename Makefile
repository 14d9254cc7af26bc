# aicost — build, test, install.  `make`, `make check`, `make demo`, `make install`.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/aicost
MANDIR ?= $(PREFIX)/share/man
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config

PKGS := libcurl jansson sqlite3 readline yaml-0.1
WARNINGS := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-nonliteral
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ifdef SANITIZE
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# User CFLAGS/LDFLAGS come last so that they win.
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(PKG_CFLAGS) $(SAN_FLAGS) \
	-DAICOST_DATADIR='"$(DATADIR)"' -Isrc -MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
LIBS = $(PKG_LIBS) -lcsv -lm

BUILD := build
SRCS := $(sort $(wildcard src/*.c))
OBJS := $(SRCS:src/%.c=$(BUILD)/%.o)
LIB_OBJS := $(filter-out $(BUILD)/main.o,$(OBJS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps check unit-tests demo install uninstall clean bench
all: bin/aicost

bin/aicost: $(OBJS)
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $(OBJS) $(LIBS)

$(BUILD)/%.o: src/%.c
	@mkdir -p $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libaicost.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

$(BUILD)/tests/%.o: tests/unit/%.c
	@mkdir -p $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libaicost.a
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libaicost.a $(LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

unit-tests: $(UNIT_BINS)

deps:
	@sh scripts/install-deps -q

check: deps
	@$(MAKE) --no-print-directory all unit-tests
	@bash tests/run-tests $(UNIT_BINS)

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo

bench: all
	@bash bench/run

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/pricing $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5
	install -m 755 bin/aicost $(DESTDIR)$(BINDIR)/aicost
	install -m 644 pricing/*.csv $(DESTDIR)$(DATADIR)/pricing/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/aicost
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(MANDIR)/man1/aicost*.1 $(DESTDIR)$(MANDIR)/man5/aicost*.5

clean:
	rm -rf $(BUILD) bin/aicost

-include $(OBJS:.o=.d) $(UNIT_BINS:%=%.d)
