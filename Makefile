# tramtem — one non-recursive GNU Makefile (STYLE.md §9).
#
#   make            build build/tramtem and build/tramtem-portal
#   make check      install missing Debian packages, build, run every test
#   make demo       install, build and start the kiosk on the demo database
#   make asan       the same tests built with ASan+UBSan (build/asan/)
#   make lint       clang-format, cppcheck, include-direction rules
#   make bench      build and run the benchmarks in bench/
#   make fuzz       libFuzzer targets for FUZZ_TIME seconds each
#   make unit T=gs1 run the unit tests of one module (any test_<T>*.c)
#   make fuzz T=gs1 FUZZ_TIME=600   one module's fuzz targets

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATAROOT  ?= $(PREFIX)/share
DATADIR   ?= $(DATAROOT)/tramtem
LOCALEDIR ?= $(DATAROOT)/locale
MANPREFIX ?= $(DATAROOT)/man
PKG_CONFIG ?= pkg-config
BUILD     ?= build
WERROR    ?= 1
FUZZ_TIME ?= 60
VERSION   := 0.1

# Debian packages: to build, to test, and the tools the tests drive.
DEB_BUILD := build-essential pkg-config gettext libncurses-dev libsqlite3-dev \
	libsodium-dev libusb-1.0-0-dev libcups2-dev libzint-dev libcairo2-dev \
	libpango1.0-dev libjansson-dev zlib1g-dev libpq-dev libmicrohttpd-dev \
	fonts-noto-core fonts-dejavu-core
DEB_TEST  := libcmocka-dev libzbar-dev libdmtx-dev zbar-tools dmtx-utils zint \
	clang libclang-rt-14-dev clang-format cppcheck sqlite3 tmux cups cups-client \
	cups-ipp-utils dbus avahi-daemon socat umockdev libumockdev-dev evemu-tools \
	minisign faketime libfaketime postgresql jq python3 python3-jsonschema \
	user-mode-linux dosfstools mtools kmod dmsetup exfatprogs exfat-fuse \
	poppler-utils cups-filters chromium curl
DEB_ALL   := $(DEB_BUILD) $(DEB_TEST)
# Only the benchmarks need these (the peers they are compared with).
DEB_BENCH := glabels

PKGS      := ncursesw sqlite3 libsodium libusb-1.0 pangocairo cairo jansson zlib libpq \
	libmicrohttpd fontconfig
TEST_PKGS := cmocka zbar libdmtx

WARN := -std=c11 -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wpointer-arith -Wcast-qual -Wundef \
	-Wnull-dereference
ifeq ($(WERROR),1)
WARN += -Werror
endif

CFLAGS   ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -DTT_VERSION='"$(VERSION)"' -DLOCALEDIR='"$(LOCALEDIR)"' \
	-DDATADIR='"$(DATADIR)"'
# Recursive (=) so pkg-config runs only when a rule needs it, after `deps`.
PKG_CFLAGS  = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) \
	$(shell cups-config --cflags 2>/dev/null)
PKG_LIBS    = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) \
	$(shell cups-config --libs 2>/dev/null) -lzint -lm -lpthread
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)
ALL_CFLAGS  = $(WARN) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP

# Modules in dependency order; each becomes build/lib<module>.a.
MODULES := common gs1 db printers scanners sync station portal
MAINS   := station/main.c portal/main.c
src_of   = $(filter-out $(MAINS),$(wildcard $(1)/*.c $(1)/*/*.c))
obj_of   = $(patsubst %.c,$(BUILD)/obj/%.o,$(call src_of,$(1)))
lib_of   = $(BUILD)/lib$(1).a

# What each module links against, itself first (static-link order).
LINK_common   := common
LINK_gs1      := gs1 common
LINK_db       := db gs1 common
LINK_printers := printers db gs1 common
LINK_scanners := scanners gs1 common
LINK_sync     := sync db gs1 common
LINK_station  := station sync scanners printers db gs1 common
LINK_portal   := portal sync db gs1 common
libs_for       = $(foreach m,$(LINK_$(1)),$(call lib_of,$(m)))

PROGRAMS := $(BUILD)/tramtem $(if $(wildcard portal/main.c),$(BUILD)/tramtem-portal)

# Unit tests: tests/unit/test_<module>[_what].c -> build/tests/test_<module>[_what]
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
TEST_SUPPORT := $(wildcard tests/unit/support/*.c)
test_module = $(firstword $(subst _, ,$(patsubst test_%,%,$(notdir $(1)))))

BENCH_SRC  := $(wildcard bench/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/bench-%,$(BENCH_SRC))
bench_module = $(firstword $(subst _, ,$(patsubst bench-%,%,$(notdir $(1)))))

FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

PO_FILES := $(wildcard po/*.po)
MO_FILES := $(patsubst po/%.po,$(BUILD)/locale/%/LC_MESSAGES/tramtem.mo,$(PO_FILES))

.PHONY: all check check-run check-full check-full-run unit deps deps-build deps-bench demo asan ubsan \
	lint format bench fuzz fuzz-build fuzz-bins install uninstall clean coverage pot

all: $(PROGRAMS) $(MO_FILES)

# --- libraries and programs ---------------------------------------------------
# V=1 shows whole command lines.
Q := $(if $(V),,@)
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "CC $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

define module_rule
$(call lib_of,$(1)): $(call obj_of,$(1))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	$(Q)$$(AR) rcs $$@ $$^ $$(if $$^,,$(BUILD)/obj/empty.o)
endef
$(foreach m,$(MODULES),$(eval $(call module_rule,$(m))))

# An empty module still yields a valid archive.
$(BUILD)/obj/empty.o:
	@mkdir -p $(dir $@)
	echo 'int tt_empty_module;' | $(CC) -x c -c -o $@ -
$(foreach m,$(MODULES),$(if $(call src_of,$(m)),,$(eval $(call lib_of,$(m)): $(BUILD)/obj/empty.o)))

$(BUILD)/tramtem: $(BUILD)/obj/station/main.o $(call libs_for,station)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tramtem-portal: $(BUILD)/obj/portal/main.o $(call libs_for,portal)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# --- translations ---------------------------------------------------------------
$(BUILD)/locale/%/LC_MESSAGES/tramtem.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

pot:
	xgettext --from-code=UTF-8 -k_ -kN_ -c -o po/tramtem.pot \
		$(wildcard station/*.c station/*/*.c portal/*.c)

# --- tests ------------------------------------------------------------------------
$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "CC $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

SUPPORT_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(TEST_SUPPORT))

define unit_rule
$(BUILD)/tests/$(1): $(BUILD)/obj/tests/unit/$(1).o $(SUPPORT_OBJ) $(call libs_for,$(call test_module,$(1)))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(PKG_LIBS) $$(TEST_LIBS)
endef
$(foreach t,$(patsubst tests/unit/%.c,%,$(UNIT_SRC)),$(eval $(call unit_rule,$(t))))

define bench_rule
$(BUILD)/bench/$(1): $(BUILD)/obj/bench/$(patsubst bench-%,%,$(1)).o $(SUPPORT_OBJ) $(call libs_for,$(call bench_module,$(1)))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(PKG_LIBS) $$(TEST_LIBS)
endef
$(foreach b,$(patsubst bench/%.c,bench-%,$(BENCH_SRC)),$(eval $(call bench_rule,$(b))))
$(BUILD)/obj/bench/%.o: bench/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "CC $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

# The runner prints PASS/FAIL per test and ends with "N passed, N failed".
check-run: all $(UNIT_BINS)
	BUILD=$(BUILD) tests/run unit integration tui

check-full-run: all $(UNIT_BINS)
	BUILD=$(BUILD) TT_FULL=1 tests/run unit integration tui
	$(MAKE) fuzz FUZZ_TIME=20

# Only the unit tests whose name starts with test_$(T).
unit: $(MO_FILES) $(filter $(BUILD)/tests/test_$(T)%,$(UNIT_BINS))
	BUILD=$(BUILD) tests/run --only '$(T)' unit

# --no-print-directory: the runner's "N passed, N failed" stays the last line.
check: deps
	@$(MAKE) --no-print-directory check-run

check-full: deps
	@$(MAKE) --no-print-directory check-full-run

demo: deps-build
	$(MAKE) all
	$(BUILD)/tramtem demo

asan: deps
	$(MAKE) BUILD=build/asan CC=$(or $(ASAN_CC),gcc) \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" check-run

ubsan: deps
	$(MAKE) BUILD=build/ubsan CFLAGS="-O1 -g -fsanitize=undefined -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=undefined" check-run

coverage: deps
	$(MAKE) BUILD=build/coverage CFLAGS="-O0 -g --coverage" LDFLAGS="--coverage" check-run

# --- fuzzing: tests/fuzz/fuzz_<module>_<what>.c, seeds in tests/fuzz/<name>/ ----------
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzzers/%,$(FUZZ_SRC))
fuzz_module = $(call test_module,$(patsubst fuzz_%,test_%,$(1)))
define fuzz_rule
$(BUILD)/fuzzers/$(1): tests/fuzz/$(1).c $(call libs_for,$(call fuzz_module,$(1)))
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "LD $$@")
	$(Q)$$(CC) $$(ALL_CFLAGS) -Wno-missing-prototypes -fsanitize=fuzzer -o $$@ $$^ $$(PKG_LIBS)
endef
$(foreach f,$(patsubst tests/fuzz/%.c,%,$(FUZZ_SRC)),$(eval $(call fuzz_rule,$(f))))

fuzz-bins: $(FUZZ_BINS)

FUZZ_BUILD ?= build/fuzz
fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang LDFLAGS="-fsanitize=address,undefined" \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		fuzz-bins

# Each target runs FUZZ_TIME seconds on its seeds (tests/fuzz/<name>/) and a kept corpus.
fuzz: fuzz-build
	@set -e; for n in $(patsubst tests/fuzz/%.c,%,$(filter tests/fuzz/fuzz_$(T)%,$(FUZZ_SRC))); do \
		corpus=$(FUZZ_BUILD)/corpus/$$n; mkdir -p $$corpus tests/fuzz/$$n; \
		dict=; [ ! -f tests/fuzz/$$n.dict ] || dict=-dict=tests/fuzz/$$n.dict; \
		echo "fuzz $$n for $(FUZZ_TIME)s"; \
		$(FUZZ_BUILD)/fuzzers/$$n $$dict -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/ $$corpus tests/fuzz/$$n >$(FUZZ_BUILD)/$$n.log 2>&1 \
			|| { tail -60 $(FUZZ_BUILD)/$$n.log; exit 1; }; \
		grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb' \
			$(FUZZ_BUILD)/$$n.log; \
	done

# --- benchmarks (print figures, never pass/fail) ------------------------------------
bench: deps deps-bench
	$(MAKE) all $(BENCH_BINS)
	@for b in $(BENCH_BINS); do echo "== $$b"; $$b || exit 1; done
	@for s in $(wildcard bench/*.sh); do echo "== $$s"; BUILD=$(BUILD) sh $$s || exit 1; done

# --- style --------------------------------------------------------------------------
C_FILES = $(wildcard $(addsuffix /*.[ch],$(MODULES)) station/ui/*.[ch] tests/*/*.[ch] \
	tests/unit/support/*.[ch] bench/*.[ch])
lint:
	clang-format --dry-run -Werror $(C_FILES)
	cppcheck --std=c11 --enable=warning,performance,portability --error-exitcode=1 \
		--inline-suppr --quiet -D__GNUC__ -I common $(addsuffix /,$(MODULES))
	tools/check-layering

format:
	clang-format -i $(C_FILES)

# --- Debian packages ------------------------------------------------------------------
# Installs what is missing, through sudo when not root; does nothing when all is there.
define install_debs
	@missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' \
		|| echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "Missing packages: $$missing (install them; this is not a Debian system)"; exit 1; fi; \
	echo "Installing: $$missing"; \
	SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing
endef

deps:
	$(call install_debs,$(DEB_ALL))

# What building and running the station needs (the demo), without the test tools.
deps-build:
	$(call install_debs,$(DEB_BUILD))

deps-bench:
	$(call install_debs,$(DEB_BENCH))

# --- install ---------------------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANPREFIX)/man1
	install -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	cp -R data/. $(DESTDIR)$(DATADIR)/
	for mo in $(MO_FILES); do l=$$(echo $$mo | sed 's|.*/locale/||; s|/LC_MESSAGES.*||'); \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
		install -m 644 $$mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/tramtem.mo; done
	[ ! -f doc/tramtem.1 ] || install -m 644 doc/tramtem.1 $(DESTDIR)$(MANPREFIX)/man1/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tramtem $(DESTDIR)$(BINDIR)/tramtem-portal
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(LOCALEDIR)/*/LC_MESSAGES/tramtem.mo $(DESTDIR)$(MANPREFIX)/man1/tramtem.1

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
