# pidtrace - build, test, demo.
#
#   make            build .output/pidtrace (BPF objects, skeletons, binary)
#   make test       install missing Debian packages, build, run every test
#   make test SAN=1 the same built with ASan+UBSan (in .output-san); any
#                   sanitizer report, leaks included, fails the run
#   make fuzz       run each libFuzzer harness (tests/fuzz) FUZZ_TIME seconds (60)
#   make demo       install missing Debian packages, build, run the headline demo
#   make bench      as root: tracer overhead, kill rates, dump/restore speed
#                   (tools/bench/run.sh, ~8 min) into docs/PERFORMANCE.md
#   make lint       cppcheck on user/, shellcheck on the scripts (tools/lint.sh);
#                   warnings are errors; formatting is not checked
#   make install    PREFIX=/usr/local DESTDIR=
#   make man        the man pages (scdoc) into .output/man
#   make deb        a Debian package into .output/deb (dpkg-buildpackage)
#   make clean
#
# Everything built goes to .output/ (the libbpf-bootstrap convention).

# Sanitized objects never mix with normal ones: SAN=1 has its own directory.
ifeq ($(SAN),1)
OUTPUT ?= .output-san
endif
OUTPUT ?= .output
VERSION := 0.1.0
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
SCDOC ?= scdoc
DESTDIR ?=
ARCH ?= x86
CC ?= cc
CLANG ?= clang
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
PROTOC_C ?= protoc-c
PKGS := libbpf libelf libdw zlib libisal json-c libprotobuf-c

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS ?= -O2 -g
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
# user/ is one folder per part (docs/architecture.md); every folder is on the
# include path, so an #include names a module, not where it lives.
USER_DIRS := $(sort $(patsubst %/,%,$(dir $(shell find user -name '*.[ch]'))))
USER_HDRS := $(shell find user -name '*.h')
BASE_CFLAGS = -DPIDTRACE_VERSION=\"$(VERSION)\" $(WARN) -std=gnu11 -D_GNU_SOURCE -I$(OUTPUT) -I$(OUTPUT)/images -Ibpf $(addprefix -I,$(USER_DIRS)) $(PKG_CFLAGS)
ALL_CFLAGS = $(CFLAGS) $(BASE_CFLAGS)

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I$(OUTPUT) -Ivmlinux/$(ARCH) -Ibpf

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
# The restore's tracer is also built as a light skeleton (bpf/watchdog.bpf.c).
SKELS += $(OUTPUT)/watchdog.lskel.h

PROTOS := $(wildcard images/*.proto)
PB_SRCS := $(patsubst images/%.proto,$(OUTPUT)/images/%.pb-c.c,$(PROTOS))
PB_OBJS := $(PB_SRCS:.c=.o)

USER_SRCS := $(shell find user -name '*.c' | sort)
USER_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
LIB_OBJS := $(filter-out $(OUTPUT)/user/main.o,$(USER_OBJS)) $(PB_OBJS)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%,$(UNIT_SRCS))
PROG_SRCS := $(wildcard tests/progs/*.c)
PROG_BINS := $(patsubst tests/progs/%.c,$(OUTPUT)/tests/progs/%,$(PROG_SRCS))
MAN_SRCS := $(wildcard docs/man/*.scd)
MANS := $(patsubst docs/man/%.scd,$(OUTPUT)/man/%,$(MAN_SRCS))
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(OUTPUT)/tests/tools/%,$(TOOL_SRCS))
BENCH_SRCS := $(wildcard tools/bench/*.c)
BENCH_BINS := $(patsubst tools/bench/%.c,$(OUTPUT)/bench/%,$(BENCH_SRCS))

.PHONY: all deps test demo lint install clean vmlinux bench stress fuzz fuzz-bins
.DELETE_ON_ERROR:
.SECONDARY:

all: $(OUTPUT)/pidtrace man

deps:
	@tools/deps.sh

$(OUTPUT) $(OUTPUT)/user $(OUTPUT)/images $(OUTPUT)/tests/unit $(OUTPUT)/tests/progs $(OUTPUT)/bench:
	@mkdir -p $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c bpf/pidtrace.h $(wildcard bpf/*.h) vmlinux/$(ARCH)/vmlinux.h | $(OUTPUT)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@

$(OUTPUT)/%.lskel.h: $(OUTPUT)/%.bpf.o
	$(BPFTOOL) gen skeleton -L $< name $*_lbpf > $@

# watchdog.bpf.c is pidtrace.bpf.c with the lineage programs left out.
$(OUTPUT)/watchdog.bpf.o: bpf/pidtrace.bpf.c

$(OUTPUT)/images/%.pb-c.c $(OUTPUT)/images/%.pb-c.h: images/%.proto | $(OUTPUT)/images
	$(PROTOC_C) --proto_path=images --c_out=$(OUTPUT)/images $<

# One flavour of objects per directory: building the same OUTPUT with and
# without SAN=1 rebuilds everything rather than link both kinds together.
# The stamp is made when the makefile is read: every target is .SECONDARY,
# so a missing stamp would not make anything out of date, a newer one does.
FLAVOUR := $(OUTPUT)/.flavour-$(if $(filter 1,$(SAN)),san,plain)
ifeq ($(wildcard $(FLAVOUR)),)
$(shell mkdir -p $(OUTPUT) && rm -f $(OUTPUT)/.flavour-* && touch $(FLAVOUR))
endif

$(OUTPUT)/images/%.pb-c.o: $(OUTPUT)/images/%.pb-c.c $(FLAVOUR)
	$(CC) $(CFLAGS) -I$(OUTPUT)/images $(PKG_CFLAGS) -c $< -o $@

# mm.proto imports files.proto (a mapped deleted file is a deleted_file_entry).
$(OUTPUT)/images/mm.pb-c.o $(OUTPUT)/fuzz/images/mm.pb-c.o: $(OUTPUT)/images/files.pb-c.c
# inventory.proto imports netns.proto (a net namespace made again).
$(OUTPUT)/images/inventory.pb-c.o $(OUTPUT)/fuzz/images/inventory.pb-c.o: $(OUTPUT)/images/netns.pb-c.c

# Every user object may include any skeleton or generated schema header.
$(OUTPUT)/user/%.o: user/%.c $(USER_HDRS) bpf/pidtrace.h $(SKELS) $(PB_SRCS) $(FLAVOUR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/pidtrace: $(USER_OBJS) $(PB_OBJS)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

$(OUTPUT)/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIB_OBJS) | $(OUTPUT)/tests/unit
	$(CC) $(ALL_CFLAGS) -Itests/unit $< $(LIB_OBJS) $(LDFLAGS) $(PKG_LIBS) -o $@

# Test tools (tests/tools): helpers the root tests run, linked like unit tests.
$(OUTPUT)/tests/tools/%: tests/tools/%.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< $(LIB_OBJS) $(LDFLAGS) $(PKG_LIBS) -o $@

test-bins: $(TOOL_BINS)

# Test programs are built without optimisation and with debuginfo so that
# symbolization and dump/restore checks see what the source says.
$(OUTPUT)/tests/progs/%: tests/progs/%.c $(wildcard tests/progs/*.h) | $(OUTPUT)/tests/progs
	$(CC) -O0 -g -Wall -Werror -D_GNU_SOURCE -Ibpf -Itests/progs $< -lpthread -o $@

# unw_super as distributions build code: optimised, no frame pointers,
# with and without debug info, stripped of it, stripped of every symbol
# (its functions are exported, so .dynsym still names them).
UNW_FLAGS := -O2 -fomit-frame-pointer -Wall -Werror -D_GNU_SOURCE
UNW_BINS := $(addprefix $(OUTPUT)/tests/progs/unw_super_,g nog sdebug s)
$(OUTPUT)/tests/progs/unw_super_g: tests/progs/unw_super.c | $(OUTPUT)/tests/progs
	$(CC) $(UNW_FLAGS) -g $< -lpthread -o $@
$(OUTPUT)/tests/progs/unw_super_nog: tests/progs/unw_super.c | $(OUTPUT)/tests/progs
	$(CC) $(UNW_FLAGS) $< -lpthread -o $@
$(OUTPUT)/tests/progs/unw_super_sdebug: $(OUTPUT)/tests/progs/unw_super_g
	strip --strip-debug -o $@ $<
$(OUTPUT)/tests/progs/unw_super_s: tests/progs/unw_super.c | $(OUTPUT)/tests/progs
	$(CC) $(UNW_FLAGS) -rdynamic $< -lpthread -o $@.tmp && strip -s -o $@ $@.tmp && rm -f $@.tmp
# unw_garbage: no unwind tables at all, so no CFI proves its frames.
$(OUTPUT)/tests/progs/unw_garbage: tests/progs/unw_garbage.c | $(OUTPUT)/tests/progs
	$(CC) $(UNW_FLAGS) -g -fno-asynchronous-unwind-tables -fno-unwind-tables $< -o $@
# unw_inline: -O2 -g, its kill() in functions forced inline.
$(OUTPUT)/tests/progs/unw_inline: tests/progs/unw_inline.c | $(OUTPUT)/tests/progs
	$(CC) $(UNW_FLAGS) -g $< -o $@
test-bins: $(UNW_BINS)

# Benchmark programs: optimised, they measure the kernel and pidtrace, not themselves.
$(OUTPUT)/bench/%: tools/bench/%.c $(wildcard tools/bench/*.h) bpf/pidtrace.h | $(OUTPUT)/bench
	$(CC) -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE -Ibpf $< -o $@

# copypath compares the dump's copy paths, crc32 included (ISA-L's, as pidtrace's).
$(OUTPUT)/bench/copypath: tools/bench/copypath.c $(wildcard tools/bench/*.h) | $(OUTPUT)/bench
	$(CC) -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE $< -o $@ -lisal

# tracerload times the restore's tracer (its light skeleton) alone.
$(OUTPUT)/bench/tracerload: tools/bench/tracerload.c $(OUTPUT)/watchdog.lskel.h | $(OUTPUT)/bench
	$(CC) -O2 -g $(WARN) -std=gnu11 -D_GNU_SOURCE -I$(OUTPUT) -Ibpf $< -o $@

test-bins: $(OUTPUT)/pidtrace $(UNIT_BINS) $(PROG_BINS)

test: deps
	@$(MAKE) --no-print-directory test-bins
	@OUTPUT=$(OUTPUT) $(if $(filter 1,$(SAN)),tests/san_run.sh) tests/run.sh

# Fuzzing: each tests/fuzz/fuzz_NAME.c is a libFuzzer harness, linked with
# every user object rebuilt by clang with ASan+UBSan and coverage into
# $(OUTPUT)/fuzz/ (never mixed with the normal objects). `make fuzz` runs
# each FUZZ_TIME seconds from its seeds (tests/fuzz/corpus/NAME/); inputs
# that crashed once are kept in tests/fuzz/regress/NAME/ and replayed by
# `make test` (tests/unit/test_fuzz_regress.c).
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = -g -O1 $(FUZZ_SAN) $(BASE_CFLAGS)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(FUZZ_SRCS))
FUZZ_OBJS := $(patsubst $(OUTPUT)/%,$(OUTPUT)/fuzz/%,$(LIB_OBJS))

# Short lines: the commands are those of the normal build with FUZZ_CFLAGS.
$(OUTPUT)/fuzz/user/%.o: user/%.c $(USER_HDRS) bpf/pidtrace.h $(SKELS) $(PB_SRCS)
	@mkdir -p $(@D)
	@echo "  FUZZ-CC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(OUTPUT)/fuzz/images/%.pb-c.o: $(OUTPUT)/images/%.pb-c.c
	@mkdir -p $(@D)
	@echo "  FUZZ-CC  $<"
	@$(FUZZ_CC) -g -O1 $(FUZZ_SAN) -I$(OUTPUT)/images $(PKG_CFLAGS) -c $< -o $@

$(OUTPUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(FUZZ_OBJS)
	@echo "  FUZZ-LD  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJS) $(PKG_LIBS) -o $@

# The replay test compiles every harness in.
$(OUTPUT)/tests/unit/test_fuzz_regress: $(FUZZ_SRCS) $(wildcard tests/fuzz/*.h)

fuzz-bins: $(FUZZ_BINS)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-bins
	@OUTPUT=$(OUTPUT) FUZZ_TIME=$(FUZZ_TIME) tests/fuzz/run.sh

demo: deps
	@$(MAKE) --no-print-directory all $(PROG_BINS)
	@OUTPUT=$(OUTPUT) tools/demo.sh

bench: deps
	@$(MAKE) --no-print-directory test-bins $(BENCH_BINS)
	@OUTPUT=$(OUTPUT) tools/bench/run.sh

# The dead-pidfd checkpoint/restore round trip, 200 times in a row.
stress: deps
	@$(MAKE) --no-print-directory test-bins
	@OUTPUT=$(OUTPUT) tests/cr_stress.sh 200

vmlinux:
	tools/gen-vmlinux.sh $(ARCH)

lint:
	@tools/lint.sh

# Man pages: scdoc (docs/man/*.8.scd -> $(OUTPUT)/man/*.8).
.PHONY: man deb
man: $(MANS)

$(OUTPUT)/man/%: docs/man/%.scd
	@mkdir -p $(@D)
	@command -v $(SCDOC) >/dev/null || { echo "scdoc not found: run tools/deps.sh" >&2; exit 1; }
	$(SCDOC) < $< > $@

test-bins: man

# A .deb built by dpkg-buildpackage from a copy of this tree, in $(OUTPUT)/deb.
deb:
	@tools/deps.sh deb
	@tools/build-deb.sh $(OUTPUT)/deb

install: $(OUTPUT)/pidtrace man
	install -D -m 0755 $(OUTPUT)/pidtrace $(DESTDIR)$(SBINDIR)/pidtrace
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 $(MANS) $(DESTDIR)$(MANDIR)/man8/
	install -D -m 0644 contrib/bash-completion/pidtrace $(DESTDIR)$(BASHCOMPDIR)/pidtrace
	install -d $(DESTDIR)$(UNITDIR)
	for u in contrib/systemd/*.service; do \
		sed 's|/usr/sbin/pidtrace|$(SBINDIR)/pidtrace|g' $$u > $(DESTDIR)$(UNITDIR)/$${u##*/} && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; \
	done

clean:
	rm -rf $(OUTPUT)
