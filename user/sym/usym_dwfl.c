// SPDX-License-Identifier: GPL-2.0
/*
 * usym_dwfl.c - the views usym.c symbolizes with (see usym_dwfl.h).
 *
 * libdwfl finds separate debuginfo the standard way (/usr/lib/debug,
 * .gnu_debuglink, build-id); it also asks debuginfod servers when the user
 * set DEBUGINFOD_URLS, which can be slow.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "usym_dwfl.h"

static char *debuginfo_path;
static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

/**
 * usym_dwfl__live() - the modules of a running process, as mapped now
 * @pid: process (thread group id)
 * @out: the new Dwfl, for the caller to dwfl_end(); set only on success
 *
 * Return: 0, -ESRCH when the process is gone, -ENOMEM, -EINVAL, or the
 * error of reading /proc/PID/maps.
 */
int usym_dwfl__live(pid_t pid, Dwfl **out)
{
	Dwfl *d = dwfl_begin(&callbacks);
	int ret;

	if (!d)
		return -ENOMEM;
	dwfl_report_begin(d);
	ret = dwfl_linux_proc_report(d, pid);
	if (ret) {
		pr_debug("pid %d: reading mappings: %s", pid,
			 ret < 0 ? dwfl_errmsg(-1) : strerror(ret));
		ret = ret < 0 ? -EINVAL : ret == ENOENT ? -ESRCH : -ret;
		goto err;
	}
	if (dwfl_report_end(d, NULL, NULL)) {
		ret = -EINVAL;
		goto err;
	}
	*out = d;
	return 0;
err:
	dwfl_end(d);
	return ret;
}

/* Open one recorded file and report it at its recorded load base. */
static void report_mod(Dwfl *d, pid_t pid, const struct usym_mod *m)
{
	struct stat st;
	int fd;

	fd = open(m->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_debug("pid %d: snapshot: %s: %s", pid, m->path, strerror(errno));
		return;
	}
	if (fstat(fd, &st) || (uint64_t)st.st_ino != m->ino) {
		pr_debug("pid %d: snapshot: %s was replaced since", pid, m->path);
		close(fd);
		return;
	}
	/* base is where the first PT_LOAD (file offset 0) was mapped. */
	if (!dwfl_report_elf(d, m->path, m->path, fd, m->base, false)) {
		pr_debug("pid %d: snapshot: %s: %s", pid, m->path, dwfl_errmsg(-1));
		close(fd);
	}
}

/**
 * usym_dwfl__files() - the modules of a process that is gone, from a snapshot
 * @pid: the process the files were mapped in (for messages)
 * @mods: where each file was mapped; a file missing or replaced since is
 *	left out
 * @nr_mods: how many
 * @out: the new Dwfl, for the caller to dwfl_end(); set only on success
 *
 * Return: 0, -ENOMEM or -EINVAL.
 */
int usym_dwfl__files(pid_t pid, const struct usym_mod *mods, size_t nr_mods, Dwfl **out)
{
	Dwfl *d = dwfl_begin(&callbacks);
	size_t i;

	if (!d)
		return -ENOMEM;
	dwfl_report_begin(d);
	for (i = 0; i < nr_mods; i++)
		report_mod(d, pid, &mods[i]);
	if (dwfl_report_end(d, NULL, NULL)) {
		dwfl_end(d);
		return -EINVAL;
	}
	*out = d;
	return 0;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/**
 * usym_dwfl__lookup() - where an address is in a Dwfl
 * @d: a view made by usym_dwfl__live() or usym_dwfl__files()
 * @addr: the address
 * @out: its func, offset, module, file and line are filled in as far as
 *	they are known; the other fields are left as they are
 *
 * Return: 0, or -ENOENT when @addr is in no module of @d.
 */
int usym_dwfl__lookup(Dwfl *d, uint64_t addr, struct usym_loc *out)
{
	Dwfl_Module *mod = dwfl_addrmodule(d, addr);
	const char *name, *mainfile = NULL, *fn, *src;
	Dwarf_Addr low = 0, high = 0;
	Dwfl_Line *line;
	GElf_Sym sym;
	GElf_Off off = 0;
	int lineno = 0;

	if (!mod)
		return -ENOENT;
	/*
	 * libdwfl's segment table can hand out the module below an address
	 * past its end (seen with a page mapped right after ld.so): check.
	 */
	dwfl_module_info(mod, NULL, &low, &high, NULL, NULL, NULL, NULL);
	if (addr < low || addr >= high)
		return -ENOENT;
	fn = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
	if (fn) {
		copy_str(out->func, sizeof(out->func), fn);
		out->offset = off;
	}
	/* After addrinfo the ELF is open, so mainfile names it. */
	name = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, NULL);
	copy_str(out->module, sizeof(out->module), mainfile ? mainfile : name);
	line = dwfl_module_getsrc(mod, addr);
	if (line) {
		src = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
		if (src) {
			copy_str(out->file, sizeof(out->file), src);
			out->line = lineno;
		}
	}
	usym_dwfl__inlines(mod, addr, out);
	return 0;
}

/*
 * A source file as the user knows it: relative to the CU's compilation
 * directory when it is inside it ("criu/arch/x86/kerndat.c", where the
 * base name would be that of criu/kerndat.c too), else as DWARF has it
 * (absolute: a system header, a file of another tree). usym__src_name()
 * shows a relative one as it is, an absolute one by its base name.
 */
static void src_path(char *dst, size_t len, const char *src, const char *comp_dir)
{
	size_t n = comp_dir ? strlen(comp_dir) : 0;

	if (!src) {
		copy_str(dst, len, NULL);
		return;
	}
	while (n > 1 && comp_dir[n - 1] == '/')
		n--;
	if (src[0] == '/' && n > 1 && comp_dir[0] == '/' && !strncmp(src, comp_dir, n) &&
	    src[n] == '/' && src[n + 1])
		src += n + 1;
	/* src may be dst itself: move, not copy. */
	n = strlen(src);
	if (n >= len)
		n = len - 1;
	memmove(dst, src, n);
	dst[n] = '\0';
}

/* The name of an inlined subroutine: its abstract origin's. */
static const char *inline_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

/* The call site an inlined subroutine records: DW_AT_call_file:DW_AT_call_line. */
static void call_site(Dwarf_Die *die, Dwarf_Files *files, size_t nfiles, const char **file,
		      int *line)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	*file = NULL;
	*line = 0;
	if (!dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &a), &w) && w <= 1000000000)
		*line = (int)w;
	if (files && !dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &a), &w) && w < nfiles)
		*file = dwarf_filesrc(files, w, NULL, NULL);
}

/**
 * usym_dwfl__inlines() - the chain of functions inlined at an address
 * @mod: the module holding @addr
 * @addr: the address (for a return address, the call: addr - 1)
 * @out: file/line hold the line of @addr (dwfl_module_getsrc); on return
 *	out->inl[] holds the inlined functions innermost first, each with the
 *	line of it @addr is in, and file/line the line of the call in the
 *	symbol's own function. Nothing changes without DWARF or inlining.
 *
 * As "eu-addr2line -i": the DW_TAG_inlined_subroutine scopes that contain
 * @addr (the innermost from dwarf_getscopes() on its CU, the others its
 * DIE parents), up to the enclosing DW_TAG_subprogram.
 */
void usym_dwfl__inlines(Dwfl_Module *mod, uint64_t addr, struct usym_loc *out)
{
	Dwarf_Die *scopes = NULL, *cu, inner;
	Dwarf_Files *files = NULL;
	Dwarf_Addr bias = 0;
	size_t nfiles = 0;
	const char *file = NULL, *comp_dir;
	int i, n, line;

	out->nr_inl = 0;
	out->inl_cut = false;
	cu = dwfl_module_addrdie(mod, addr, &bias);
	if (!cu)
		return;
	comp_dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &(Dwarf_Attribute){ 0 }));
	src_path(out->file, sizeof(out->file), out->file, comp_dir);
	n = dwarf_getscopes(cu, addr - bias, &scopes);
	if (n <= 0)
		return;
	/*
	 * Past an inlined instance, dwarf_getscopes() goes on with the scopes
	 * of its abstract definition, not the functions it was inlined into:
	 * the DIE parents of the innermost scope are those.
	 */
	inner = scopes[0];
	free(scopes);
	scopes = NULL;
	n = dwarf_getscopes_die(&inner, &scopes);
	if (n <= 0)
		return;
	if (dwarf_getsrcfiles(cu, &files, &nfiles))
		files = NULL;
	for (i = 0; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);
		struct usym_inline *in;

		if (tag == DW_TAG_subprogram)
			break;
		if (tag != DW_TAG_inlined_subroutine)
			continue;
		call_site(&scopes[i], files, nfiles, &file, &line);
		if (out->nr_inl < USYM_MAX_INLINE) {
			const char *name = inline_name(&scopes[i]);

			in = &out->inl[out->nr_inl++];
			copy_str(in->func, sizeof(in->func), name ? name : "??");
			/* The line inside it: what its inner neighbour left in out. */
			copy_str(in->file, sizeof(in->file), out->file);
			in->line = out->line;
		} else {
			out->inl_cut = true;
		}
		/* Its caller is at the call: the next one out, or the symbol. */
		src_path(out->file, sizeof(out->file), file, comp_dir);
		out->line = file ? line : 0;
	}
	free(scopes);
}
