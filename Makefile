# credaudit: audit reports and a revocation plan from a GitLab credential
# snapshot. `make demo` and `make check` are the two entry points; see README.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/credaudit
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
# DEVELOPER=1 (the default in this tree) turns warnings into errors.
DEVELOPER ?= 1
WARNINGS = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wold-style-definition -Wvla -Wno-unused-parameter
ifeq ($(DEVELOPER),1)
WARNINGS += -Werror
endif

PKGS = sqlite3 libxml-2.0 gpgme libgcrypt jansson libcmark-gfm libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(PKG_CFLAGS) -Ireporter -Ibuild $(CFLAGS)
LIBS = $(PKG_LIBS) -lm

BUILD = build
SOURCES := $(sort $(wildcard reporter/*.c))
LIB_OBJECTS := $(patsubst reporter/%.c,$(BUILD)/%.o,$(filter-out reporter/main.c,$(SOURCES))) \
	$(BUILD)/embedded.o
QUERIES := $(sort $(wildcard queries/*.sql))
TEMPLATES := $(sort $(wildcard templates/*))
UNIT_SOURCES := $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SOURCES))
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

# One fuzz target per parser: fuzz/fuzz_<name>.c, seeded from
# fuzz/corpus/<name>/, with the inputs that once failed in
# fuzz/regressions/<name>/.
FUZZ_TARGETS = sshkey timestamp scopes text
# The fuzz targets linked with fuzz/replay.c instead of libFuzzer, so that
# `make check` replays the corpus and the regressions with $(CC).
FUZZ_REPLAYS := $(patsubst %,$(BUILD)/fuzz/replay_%,$(FUZZ_TARGETS))
# `make fuzz` needs clang with libFuzzer (`scripts/install-deps.sh --fuzz`).
FUZZ_CC = clang
# `make fuzz` builds everything again here, with the flags below.
FUZZ_BUILD = build-fuzz
# Seconds that `make fuzz` runs each target.
FUZZ_SECONDS = 30
# Coverage for libFuzzer, ASan and UBSan; any UBSan finding stops the run.
FUZZ_CFLAGS = -O1 -g -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined

# Memcheck as `make valgrind` and tests/e2e/valgrind.sh run it: any error
# or a definite or indirect leak makes it exit 1. Children (gpg, ssh-keygen)
# run natively.
VALGRIND = valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--suppressions=$(CURDIR)/tests/valgrind.supp --num-callers=50 \
	--error-exitcode=1 --trace-children=no --child-silent-after-fork=yes

.PHONY: all deps deps-browser demo check check-asan install uninstall clean samples fuzz \
	valgrind bench

all: $(BUILD)/credaudit

deps:
	@sh scripts/install-deps.sh

deps-browser:
	@sh scripts/install-deps.sh --browser

$(BUILD):
	@mkdir -p $(BUILD)/tests

# Queries and the default templates are compiled into the binary, so the
# binary runs from anywhere; --template points at a restyled copy.
$(BUILD)/embedded.c: scripts/embed.sh $(QUERIES) $(TEMPLATES) | $(BUILD)
	sh scripts/embed.sh $(QUERIES) $(TEMPLATES) > $@.tmp && mv $@.tmp $@

$(BUILD)/embedded.o: $(BUILD)/embedded.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: reporter/%.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -DCREDAUDIT_VERSION='"$(VERSION)"' -MMD -MP -c -o $@ $<

$(BUILD)/libcredaudit.a: $(LIB_OBJECTS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/credaudit: $(BUILD)/main.o $(BUILD)/libcredaudit.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libcredaudit.a | $(BUILD)
	$(CC) $(ALL_CFLAGS) $$(pkg-config --cflags cmocka) -o $@ $< \
		$(BUILD)/libcredaudit.a $(LIBS) $$(pkg-config --libs cmocka)

# A fuzz target with libFuzzer's main(); only `make fuzz` builds these.
$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(BUILD)/libcredaudit.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ifuzz -fsanitize=fuzzer -o $@ $< \
		$(BUILD)/libcredaudit.a $(LIBS)

$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c fuzz/fuzz.h $(BUILD)/libcredaudit.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ifuzz -o $@ $< fuzz/replay.c \
		$(BUILD)/libcredaudit.a $(LIBS)

# The end-to-end tests parse the reports back with this tool: HTML with
# libxml2, Markdown with cmark-gfm and its extensions, JSON with Jansson.
INSPECT_LIBS := $(shell pkg-config --libs libxml-2.0 libcmark-gfm jansson 2>/dev/null) \
	-lcmark-gfm-extensions

$(BUILD)/tests/inspect: tests/tools/inspect.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(INSPECT_LIBS)

$(BUILD)/gensample: samples/gensample.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBS)

samples/demo.db: $(BUILD)/gensample samples/schema.sql
	$(BUILD)/gensample --schema samples/schema.sql --fixtures samples/fixtures \
		--now 2026-12-04T12:00:00Z --out $@

# One row per case of hostile or damaged input (samples/README.md), for
# tests/e2e/hostile.sh and tests/e2e/browser.sh.
samples/hostile.db: $(BUILD)/gensample samples/schema.sql \
		$(wildcard samples/fixtures/hostile/*)
	$(BUILD)/gensample --schema samples/schema.sql --fixtures samples/fixtures \
		--now 2026-12-04T12:00:00Z --hostile --out $@

samples: samples/demo.db samples/hostile.db

# The main job on the bundled sample: install what is missing, build,
# make the sample database and write the reports to out/.
demo: deps
	@$(MAKE) --no-print-directory all samples/demo.db
	$(BUILD)/credaudit report --db samples/demo.db --out out --now 2026-12-04T12:00:00Z
	@echo "Open out/report.html, out/report.md and out/plan.md"

# The whole test suite; it ends with one "N passed, N failed" line.
# tests/e2e/browser.sh opens the report in Chromium, which deps-browser
# installs.
check: deps-browser
	@$(MAKE) --no-print-directory all samples/demo.db samples/hostile.db \
		$(UNIT_TESTS) $(FUZZ_REPLAYS) $(BUILD)/tests/inspect
	@BUILD=$(BUILD) VALGRIND="$(VALGRIND)" sh tests/run.sh $(UNIT_TESTS)

# Where check-asan has the sanitizers write their reports, so that a report
# from a process whose exit status no test checks still fails the run. It
# is outside build-asan, because the build creates build-asan/tests only
# when build-asan does not exist yet.
SANITIZER_LOGS = build-asan-reports

check-asan:
	@rm -rf $(SANITIZER_LOGS) && mkdir -p $(SANITIZER_LOGS)
	@ASAN_OPTIONS=log_path=$(CURDIR)/$(SANITIZER_LOGS)/asan:log_exe_name=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$(CURDIR)/$(SANITIZER_LOGS)/ubsan:log_exe_name=1 \
	$(MAKE) --no-print-directory BUILD=build-asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		check; \
	status=$$?; \
	if [ -n "$$(ls $(SANITIZER_LOGS))" ]; then \
		cat $(SANITIZER_LOGS)/*; \
		echo "check-asan: sanitizer reports above, kept in $(SANITIZER_LOGS)" >&2; \
		exit 1; \
	fi; \
	exit $$status

# Build the fuzz targets with clang and run each for FUZZ_SECONDS; a crash
# or a broken property fails, and the input is saved under $(FUZZ_BUILD).
fuzz:
	@sh scripts/install-deps.sh --fuzz
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
		CFLAGS="$(FUZZ_CFLAGS)" \
		$(patsubst %,$(FUZZ_BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))
	@sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The binary on the sample databases and every unit test under memcheck.
valgrind: deps
	@$(MAKE) --no-print-directory all samples/demo.db samples/hostile.db \
		$(UNIT_TESTS)
	@BUILD=$(BUILD) VALGRIND="$(VALGRIND)" sh tests/e2e/valgrind.sh
	@for test in $(UNIT_TESTS); do \
		echo "== valgrind $$test"; \
		$(VALGRIND) --quiet $$test || exit 1; \
	done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BUILD)/credaudit $(DESTDIR)$(BINDIR)/credaudit
	install -m 0644 $(TEMPLATES) $(DESTDIR)$(DATADIR)/templates/
	install -m 0644 docs/credaudit.1 $(DESTDIR)$(MANDIR)/man1/credaudit.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/credaudit $(DESTDIR)$(MANDIR)/man1/credaudit.1
	rm -rf $(DESTDIR)$(DATADIR)

# Time `credaudit report` on generated snapshots of 100,000 and 1,000,000
# tokens against a baseline measured in the same run (bench/run.sh). The
# snapshots are made once and kept under bench/data/.
bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/gensample
	@BUILD=$(BUILD) sh bench/run.sh

clean:
	rm -rf build build-asan $(SANITIZER_LOGS) $(FUZZ_BUILD) out samples/demo.db samples/hostile.db

-include $(wildcard $(BUILD)/*.d)
