/*
 * tests/onelevel_workload.c - the program that
 * tests/run_onelevel_vs_cachegrind.sh runs under Valgrind's Lackey and
 * Cachegrind.  Both tools must see exactly the same execution, on any
 * machine, so the program depends on nothing outside itself:
 *
 *   - freestanding and statically linked: no C library, so no dynamic
 *     loader, no CPUID-selected string functions, no locale, time zone,
 *     environment, auxiliary vector or random bytes are read;
 *   - its own stack in .bss: where the kernel or Valgrind put the initial
 *     stack (which moves with the arguments, the environment and the
 *     program's path) never shows in an address;
 *   - no input, no system call but write(2) of a checksum and exit(2).
 *
 * It is built to stress a one-level TLB of 8 to 128 entries on both sides:
 * 128 functions of about 1.5 KiB of straight-line code (some 50 pages,
 * with instructions that straddle page boundaries) called in sequence and
 * in a pseudo-random order; 384 pages of data swept, strided, read and
 * modified at random, and accessed by unaligned loads, stores and
 * read-modify-writes that straddle every page boundary, and by loads that
 * straddle boundaries picked at random; a recursion of 1 KiB frames across
 * the stack's pages.
 *
 * Supported hosts: x86-64 and AArch64 Linux (the start code and the two
 * system calls are the only architecture-specific lines).
 */
#include <stddef.h>
#include <stdint.h>

#define PAGE            4096u
#define DATA_PAGES      384u            /* more pages than the largest TLB tested */
#define HIST_WORDS      (64u * 1024u)   /* 512 KiB of counters: 128 pages */
#define STACK_BYTES     (64u * 1024u)

/* External, so that the compiler keeps every store: another file could
 * read them.  workload_stack is also the start code's. */
uint8_t workload_data[DATA_PAGES * PAGE] __attribute__((aligned(PAGE)));
uint64_t workload_hist[HIST_WORDS] __attribute__((aligned(PAGE)));
uint8_t workload_stack[STACK_BYTES] __attribute__((aligned(16)));

/* An unaligned 64-bit word: lets the compiler emit one plain (possibly
 * page-straddling) access without undefined behaviour. */
struct __attribute__((packed, may_alias)) u64_unaligned {
	uint64_t v;
};

static uint64_t lcg_next(uint64_t *s)
{
	*s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return *s >> 17;
}

/*
 * Code pages: f100 ... f277, 128 functions of 64 dependent mixing steps,
 * each with its own constants so that none can be merged with another.
 */
#define MIX(k) x = (x ^ (x >> ((k) % 29 + 3))) * (UINT64_C(0x9e3779b97f4a7c15) + 2 * (k));
#define MIX4(k) MIX(k) MIX((k) + 1) MIX((k) + 2) MIX((k) + 3)
#define MIX16(k) MIX4(k) MIX4((k) + 4) MIX4((k) + 8) MIX4((k) + 12)
#define MIX64(k) MIX16(k) MIX16((k) + 16) MIX16((k) + 32) MIX16((k) + 48)

#define DEFINE_F(n) \
	static __attribute__((noinline)) uint64_t f##n(uint64_t x) { MIX64((n) * 64) return x; }
#define ENTRY_F(n) f##n,
/* EIGHT(M, 12) is M(120) ... M(127); SIXTY_FOUR(M, 1) is M(100) ... M(177). */
#define EIGHT(M, a) M(a##0) M(a##1) M(a##2) M(a##3) M(a##4) M(a##5) M(a##6) M(a##7)
#define SIXTY_FOUR(M, a) EIGHT(M, a##0) EIGHT(M, a##1) EIGHT(M, a##2) EIGHT(M, a##3) \
	EIGHT(M, a##4) EIGHT(M, a##5) EIGHT(M, a##6) EIGHT(M, a##7)
#define ALL_F(M) SIXTY_FOUR(M, 1) SIXTY_FOUR(M, 2)

ALL_F(DEFINE_F)

static uint64_t (*const funcs[])(uint64_t) = { ALL_F(ENTRY_F) };
#define NFUNCS (sizeof(funcs) / sizeof(funcs[0]))

/* Instruction side: every function in order, then 3000 calls at random. */
static uint64_t run_code(uint64_t *seed)
{
	uint64_t x = 1;

	for (size_t i = 0; i < NFUNCS; i++)
		x = funcs[i](x);
	for (unsigned i = 0; i < 3000; i++)
		x = funcs[lcg_next(seed) % NFUNCS](x);
	return x;
}

/* Data side, in phases with different page-reuse patterns. */
static uint64_t run_data(uint64_t *seed)
{
	volatile uint8_t *d = workload_data;
	uint64_t sum = 0;

	/* A sweep: one store per 64 bytes of every page, in order. */
	for (size_t off = 0; off < sizeof(workload_data); off += 64)
		d[off] = (uint8_t)off;
	/* Strided reads: one byte per page, a page and a line further each
	 * time, over the whole array eight times. */
	for (unsigned round = 0; round < 8; round++)
		for (size_t p = 0; p < DATA_PAGES; p++)
			sum += d[p * PAGE + ((p + round) * 64) % PAGE];
	/* Random read-modify-writes of the counters (one "modify" each). */
	for (unsigned i = 0; i < 40000; i++)
		workload_hist[lcg_next(seed) % HIST_WORDS] += i;
	/* Random reads among a few hot pages and the whole array. */
	for (unsigned i = 0; i < 40000; i++) {
		uint64_t r = lcg_next(seed);
		size_t p = (i & 3) ? r % 6 : r % DATA_PAGES;

		sum += d[p * PAGE + (r >> 20) % PAGE];
	}
	/* Every page boundary of the array straddled by an 8-byte load, an
	 * 8-byte store and an 8-byte read-modify-write. */
	for (size_t p = 1; p < DATA_PAGES; p++) {
		struct u64_unaligned *u = (struct u64_unaligned *)(workload_data + p * PAGE - 3);

		sum += u->v;
		u = (struct u64_unaligned *)(workload_data + p * PAGE - 5);
		u->v = sum;
		u = (struct u64_unaligned *)(workload_data + p * PAGE - 1);
		u->v += p;
	}
	/* Loads straddling page boundaries picked at random: in a small TLB
	 * both pages are often cold, one miss for Cachegrind, two lookups that
	 * miss for mmusim. */
	for (unsigned i = 0; i < 4000; i++) {
		size_t p = lcg_next(seed) % (DATA_PAGES - 1) + 1;

		sum += ((struct u64_unaligned *)(workload_data + p * PAGE - 2))->v;
	}
	return sum;
}

/* The stack side: 1 KiB frames, 40 deep, over ten pages of the stack. */
static __attribute__((noinline)) uint64_t run_stack(unsigned depth, uint64_t x)
{
	volatile uint64_t frame[128];

	for (unsigned i = 0; i < 128; i += 16)
		frame[i] = x + i;
	if (depth)
		x = run_stack(depth - 1, x * 3 + 1);
	for (unsigned i = 0; i < 128; i += 16)
		x += frame[i];
	return x;
}

#if defined(__x86_64__)
static long sys_write(int fd, const void *buf, size_t n)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(1L), "D"((long)fd), "S"(buf), "d"(n)
			 : "rcx", "r11", "memory");
	return r;
}

__asm__(".text\n"
	".globl _start\n"
	".type _start, @function\n"
	"_start:\n"
	"	lea workload_stack+65536(%rip), %rsp\n"
	"	xor %ebp, %ebp\n"
	"	call workload_main\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n"                /* exit */
	"	syscall\n"
	"	hlt\n");
#elif defined(__aarch64__)
static long sys_write(int fd, const void *buf, size_t n)
{
	register long x8 __asm__("x8") = 64;   /* write */
	register long x0 __asm__("x0") = fd;
	register long x1 __asm__("x1") = (long)buf;
	register long x2 __asm__("x2") = (long)n;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

__asm__(".text\n"
	".globl _start\n"
	".type _start, %function\n"
	"_start:\n"
	"	ldr x0, =workload_stack+65536\n"
	"	mov sp, x0\n"
	"	bl workload_main\n"
	"	mov x8, #93\n"                  /* exit */
	"	svc #0\n"
	"	.ltorg\n");
#else
#error "tests/onelevel_workload.c: start code for x86-64 and AArch64 only"
#endif

int workload_main(void);

/* Prints a checksum of everything computed, so that two runs can be
 * compared; exit status 0 if the write succeeded. */
__attribute__((used, noinline)) int workload_main(void)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t seed = 12345, sum;
	char line[17];

	sum = run_code(&seed);
	sum ^= run_data(&seed);
	sum ^= run_stack(40, sum);
	for (int i = 0; i < 16; i++)
		line[i] = hex[(sum >> (60 - 4 * i)) & 15];
	line[16] = '\n';
	return sys_write(1, line, sizeof(line)) == (long)sizeof(line) ? 0 : 1;
}
