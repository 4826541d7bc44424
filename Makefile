# pidtrace - build, test, demo.
#
#   make            build .output/pidtrace (BPF objects, skeletons, binary)
#   make test       install missing Debian packages, build, run every test
#   make demo       install missing Debian packages, build, run the headline demo
#   make lint       clang-format check + cppcheck; warnings are errors
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean
#
# Everything built goes to .output/ (the libbpf-bootstrap convention).

OUTPUT ?= .output
VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
ARCH ?= x86
CC ?= cc
CLANG ?= clang
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
PROTOC_C ?= protoc-c
PKGS := libbpf libelf libdw zlib json-c libprotobuf-c

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS ?= -O2 -g
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
ALL_CFLAGS = $(CFLAGS) -DPIDTRACE_VERSION=\"$(VERSION)\" $(WARN) -std=gnu11 -D_GNU_SOURCE -I$(OUTPUT) -I$(OUTPUT)/images -Ibpf -Iuser $(PKG_CFLAGS)

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I$(OUTPUT) -Ivmlinux/$(ARCH) -Ibpf

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))

PROTOS := $(wildcard images/*.proto)
PB_SRCS := $(patsubst images/%.proto,$(OUTPUT)/images/%.pb-c.c,$(PROTOS))
PB_OBJS := $(PB_SRCS:.c=.o)

USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
LIB_OBJS := $(filter-out $(OUTPUT)/user/main.o,$(USER_OBJS)) $(PB_OBJS)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%,$(UNIT_SRCS))
PROG_SRCS := $(wildcard tests/progs/*.c)
PROG_BINS := $(patsubst tests/progs/%.c,$(OUTPUT)/tests/progs/%,$(PROG_SRCS))

.PHONY: all deps test demo lint install clean vmlinux bench stress
.DELETE_ON_ERROR:
.SECONDARY:

all: $(OUTPUT)/pidtrace

deps:
	@tools/deps.sh

$(OUTPUT) $(OUTPUT)/user $(OUTPUT)/images $(OUTPUT)/tests/unit $(OUTPUT)/tests/progs:
	@mkdir -p $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c bpf/pidtrace.h $(wildcard bpf/*.h) vmlinux/$(ARCH)/vmlinux.h | $(OUTPUT)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@

$(OUTPUT)/images/%.pb-c.c $(OUTPUT)/images/%.pb-c.h: images/%.proto | $(OUTPUT)/images
	$(PROTOC_C) --proto_path=images --c_out=$(OUTPUT)/images $<

$(OUTPUT)/images/%.pb-c.o: $(OUTPUT)/images/%.pb-c.c
	$(CC) $(CFLAGS) -I$(OUTPUT)/images $(PKG_CFLAGS) -c $< -o $@

# Every user object may include any skeleton or generated schema header.
$(OUTPUT)/user/%.o: user/%.c $(wildcard user/*.h) bpf/pidtrace.h $(SKELS) $(PB_SRCS) | $(OUTPUT)/user
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/pidtrace: $(USER_OBJS) $(PB_OBJS)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

$(OUTPUT)/tests/unit/%: tests/unit/%.c tests/unit/unit.h $(LIB_OBJS) | $(OUTPUT)/tests/unit
	$(CC) $(ALL_CFLAGS) -Itests/unit $< $(LIB_OBJS) $(LDFLAGS) $(PKG_LIBS) -o $@

# Test programs are built without optimisation and with debuginfo so that
# symbolization and dump/restore checks see what the source says.
$(OUTPUT)/tests/progs/%: tests/progs/%.c $(wildcard tests/progs/*.h) | $(OUTPUT)/tests/progs
	$(CC) -O0 -g -Wall -Werror -D_GNU_SOURCE -Ibpf -Itests/progs $< -lpthread -o $@

test-bins: $(OUTPUT)/pidtrace $(UNIT_BINS) $(PROG_BINS)

test: deps
	@$(MAKE) --no-print-directory test-bins
	@OUTPUT=$(OUTPUT) tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all $(PROG_BINS)
	@OUTPUT=$(OUTPUT) tools/demo.sh

bench: deps
	@$(MAKE) --no-print-directory test-bins
	@OUTPUT=$(OUTPUT) tools/bench/run.sh

vmlinux:
	tools/gen-vmlinux.sh $(ARCH)

lint:
	@tools/lint.sh

install: $(OUTPUT)/pidtrace
	install -D -m 0755 $(OUTPUT)/pidtrace $(DESTDIR)$(PREFIX)/sbin/pidtrace

clean:
	rm -rf $(OUTPUT)
