// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_fpu - FPU/SSE/AVX state held in registers across the dump: a loop
 * keeps patterns in ymm0-ymm15 (xmm0-15 without AVX), a non-default MXCSR
 * rounding mode and an x87 value on the stack, until SIGTERM; then checks
 * every bit of them.
 */
#include <stdint.h>

#include "zdtm.h"

static uint8_t pattern[16][32] __attribute__((aligned(32)));
static uint8_t out[16][32] __attribute__((aligned(32)));

#define LOAD(n) "vmovdqa " #n "*32(%[in]), %%ymm" #n "\n"
#define STORE(n) "vmovdqa %%ymm" #n ", " #n "*32(%[o])\n"
#define LOADX(n) "movdqa " #n "*32(%[in]), %%xmm" #n "\n"
#define STOREX(n) "movdqa %%xmm" #n ", " #n "*32(%[o])\n"

int main(void)
{
	int avx = __builtin_cpu_supports("avx");
	uint32_t mxcsr_in = 0x1f80 | 0x6000, mxcsr_out = 0; /* round toward zero */
	long double x87_in = 3.14159265358979323846264L, x87_out = 0;
	int i, j, width = avx ? 32 : 16;

	zdtm_init();
	for (i = 0; i < 16; i++)
		for (j = 0; j < 32; j++)
			pattern[i][j] = (uint8_t)(i * 37 + j * 11 + 5);
	zdtm_ready();
	if (avx)
		asm volatile("fldt %[x]\n" "ldmxcsr %[m]\n"
			     LOAD(0) LOAD(1) LOAD(2) LOAD(3) LOAD(4) LOAD(5) LOAD(6) LOAD(7)
			     LOAD(8) LOAD(9) LOAD(10) LOAD(11) LOAD(12) LOAD(13) LOAD(14) LOAD(15)
			     "1: cmpl $0, %[stop]\n" "je 1b\n"
			     STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5) STORE(6) STORE(7)
			     STORE(8) STORE(9) STORE(10) STORE(11) STORE(12) STORE(13) STORE(14)
			     STORE(15)
			     "stmxcsr %[mo]\n" "fstpt %[xo]\n" "vzeroupper\n"
			     : [mo] "=m"(mxcsr_out), [xo] "=m"(x87_out)
			     : [in] "r"(pattern), [o] "r"(out), [m] "m"(mxcsr_in), [x] "m"(x87_in),
			       [stop] "m"(zdtm_stop)
			     : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
			       "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
			       "xmm15");
	else
		asm volatile("fldt %[x]\n" "ldmxcsr %[m]\n"
			     LOADX(0) LOADX(1) LOADX(2) LOADX(3) LOADX(4) LOADX(5) LOADX(6) LOADX(7)
			     LOADX(8) LOADX(9) LOADX(10) LOADX(11) LOADX(12) LOADX(13) LOADX(14)
			     LOADX(15)
			     "1: cmpl $0, %[stop]\n" "je 1b\n"
			     STOREX(0) STOREX(1) STOREX(2) STOREX(3) STOREX(4) STOREX(5) STOREX(6)
			     STOREX(7) STOREX(8) STOREX(9) STOREX(10) STOREX(11) STOREX(12)
			     STOREX(13) STOREX(14) STOREX(15)
			     "stmxcsr %[mo]\n" "fstpt %[xo]\n"
			     : [mo] "=m"(mxcsr_out), [xo] "=m"(x87_out)
			     : [in] "r"(pattern), [o] "r"(out), [m] "m"(mxcsr_in), [x] "m"(x87_in),
			       [stop] "m"(zdtm_stop)
			     : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
			       "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
			       "xmm15");
	for (i = 0; i < 16; i++)
		if (memcmp(pattern[i], out[i], width))
			zdtm_fail("%s%d differs after restore", avx ? "ymm" : "xmm", i);
	if (mxcsr_out != mxcsr_in)
		zdtm_fail("MXCSR 0x%x, expected 0x%x", mxcsr_out, mxcsr_in);
	if (x87_out != x87_in)
		zdtm_fail("x87 st(0) changed");
	return zdtm_pass();
}
