/*
 * tests/qemu/guest/main.c - bare-metal prober run by QEMU at EL2.
 *
 * For every scenario of the blob at BLOB_ADDR: clear the memory words the
 * previous scenario wrote, write this scenario's words, load the EL1 and
 * EL2 translation registers, and answer each request with the AT
 * instruction of the same name, printing PAR_EL1 in `mmusim walk` format
 * on the PL011 UART.  Everything runs at EL2 with its own MMU off, so
 * stage-2 faults on stage-1 table fetches are reported in PAR_EL1.
 *
 * Output: "mmfr0 0x..." once, "@ ID" before each scenario's results, and
 * "@ done" at the end.
 */
#include <stdint.h>

#include "../blob.h"

#define UART_DR ((volatile uint32_t *)0x09000000UL)

void guest_poweroff(void) __attribute__((noreturn));

static void putch(char c)
{
	*UART_DR = (uint32_t)(unsigned char)c;
}

static void puts_(const char *s)
{
	while (*s)
		putch(*s++);
}

static void puthex(uint64_t v)
{
	char buf[17];
	int n = 0;

	puts_("0x");
	do {
		buf[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		putch(buf[--n]);
}

static void putdec(int64_t v)
{
	char buf[24];
	int n = 0;

	if (v < 0) {
		putch('-');
		v = -v;
	}
	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putch(buf[--n]);
}

void guest_exception(uint64_t esr, uint64_t elr, uint64_t far)
{
	puts_("! exception esr=");
	puthex(esr);
	puts_(" elr=");
	puthex(elr);
	puts_(" far=");
	puthex(far);
	putch('\n');
}

#define SYSREG_WRITE(name, v) __asm__ volatile("msr " #name ", %0" :: "r"(v))
#define SYSREG_READ(name, v) __asm__ volatile("mrs %0, " #name : "=r"(v))

static void flush_tlbs(void)
{
	__asm__ volatile("dsb sy\n\ttlbi alle1\n\tdsb sy\n\tisb" ::: "memory");
}

static uint64_t at(uint64_t op, uint64_t va)
{
	uint64_t par;

	flush_tlbs();
	switch (op) {
	case BOP_S1E1R: __asm__ volatile("at s1e1r, %0" :: "r"(va)); break;
	case BOP_S1E1W: __asm__ volatile("at s1e1w, %0" :: "r"(va)); break;
	case BOP_S1E0R: __asm__ volatile("at s1e0r, %0" :: "r"(va)); break;
	case BOP_S1E0W: __asm__ volatile("at s1e0w, %0" :: "r"(va)); break;
	case BOP_S12E1R: __asm__ volatile("at s12e1r, %0" :: "r"(va)); break;
	case BOP_S12E1W: __asm__ volatile("at s12e1w, %0" :: "r"(va)); break;
	case BOP_S12E0R: __asm__ volatile("at s12e0r, %0" :: "r"(va)); break;
	case BOP_S12E0W: __asm__ volatile("at s12e0w, %0" :: "r"(va)); break;
	default: return ~0ULL;
	}
	__asm__ volatile("isb" ::: "memory");
	SYSREG_READ(par_el1, par);
	return par;
}

static void report(uint64_t op, uint64_t va, uint64_t par)
{
	static const char *const type[4] = {
		"address-size", "translation", "access-flag", "permission"
	};
	unsigned fst = (unsigned)(par >> 1) & 0x3f;
	int level = (int)(fst & 3);
	const char *t = 0;

	puthex(va);
	if (op >= BLOB_NOPS) {
		puts_(" bad-op\n");
		return;
	}
	if (!(par & 1)) {
		puts_(" ok ");
		puthex((par & 0x000ffffffffff000ULL) | (va & 0xfff));
		putch('\n');
		return;
	}
	if (fst < 16) {
		t = type[fst >> 2];
	} else if (fst == 0x2b) {
		t = "translation";
		level = -1;
	} else if (fst == 0x29) {
		t = "address-size";
		level = -1;
	}
	puts_(" fault stage=");
	putdec((par >> 9) & 1 ? 2 : 1);
	puts_(" level=");
	putdec(level);
	if (t) {
		puts_(" type=");
		puts_(t);
	} else {
		puts_(" type=fst-");
		puthex(fst);
	}
	puts_(" ptw=");
	putdec((par >> 8) & 1);
	putch('\n');
}

void guest_main(void)
{
	const volatile uint64_t *b = (const volatile uint64_t *)BLOB_ADDR;
	const volatile uint64_t *prev_mem = 0;
	uint64_t prev_nmem = 0, n, mmfr0, el;

	SYSREG_READ(id_aa64mmfr0_el1, mmfr0);
	SYSREG_READ(currentel, el);
	puts_("mmfr0 ");
	puthex(mmfr0);
	puts_(" el ");
	putdec((int64_t)(el >> 2));
	putch('\n');
	if (b[0] != BLOB_MAGIC) {
		puts_("! no scenario blob\n");
		return;
	}
	n = b[1];
	b += 2;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t id = b[0], nmem = b[1], nreq = b[2];
		const volatile uint64_t *r = b + 3;
		const volatile uint64_t *mem = r + BLOB_NREGS;
		const volatile uint64_t *req = mem + 2 * nmem;

		/* Disable both stages while the tables change. */
		SYSREG_WRITE(hcr_el2, (uint64_t)1 << 31);
		SYSREG_WRITE(sctlr_el1, (uint64_t)0);
		__asm__ volatile("isb" ::: "memory");
		for (uint64_t k = 0; k < prev_nmem; k++)
			*(volatile uint64_t *)prev_mem[2 * k] = 0;
		for (uint64_t k = 0; k < nmem; k++)
			*(volatile uint64_t *)mem[2 * k] = mem[2 * k + 1];
		prev_mem = mem;
		prev_nmem = nmem;
		__asm__ volatile("dsb sy" ::: "memory");

		SYSREG_WRITE(tcr_el1, r[BR_TCR_EL1]);
		SYSREG_WRITE(ttbr0_el1, r[BR_TTBR0_EL1]);
		SYSREG_WRITE(ttbr1_el1, r[BR_TTBR1_EL1]);
		SYSREG_WRITE(mair_el1, r[BR_MAIR_EL1]);
		SYSREG_WRITE(vtcr_el2, r[BR_VTCR_EL2]);
		SYSREG_WRITE(vttbr_el2, r[BR_VTTBR_EL2]);
		/* RW: EL1 is AArch64.  E2H, TGE and DC stay clear. */
		SYSREG_WRITE(hcr_el2, r[BR_HCR_EL2] | ((uint64_t)1 << 31));
		SYSREG_WRITE(sctlr_el1, r[BR_SCTLR_EL1]);
		__asm__ volatile("isb" ::: "memory");
		flush_tlbs();

		puts_("@ ");
		putdec((int64_t)id);
		putch('\n');
		for (uint64_t k = 0; k < nreq; k++)
			report(req[2 * k], req[2 * k + 1], at(req[2 * k], req[2 * k + 1]));
		b = req + 2 * nreq;
	}
	puts_("@ done\n");
}
