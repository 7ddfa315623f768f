// tests/data/record/guest.S - a bare-metal AArch64 guest for the system-mode
// test of the QEMU plugin (tests/run_record_system.sh).  QEMU's virt machine
// starts it at EL1 at 0x40200000 with the MMU off.  It builds one level-1
// table (4K granule, T0SZ 25: 39-bit VAs, 1 GiB blocks) mapping VA 0 and VA
// 0x40000000 both to PA 0x40000000, turns the MMU on, stores and loads 16
// doublewords at VA 0x2000 (PA 0x40002000), and powers the machine off
// through PSCI (HVC, the conduit of virt without EL2 and EL3).
	.text
	.globl	_start
_start:
	movz	x0, #0x4030, lsl #16		// the table at PA 0x40300000
	movz	x1, #0x0701
	movk	x1, #0x4000, lsl #16		// block at PA 0x40000000: AF, inner shareable, AttrIdx 0
	str	x1, [x0]			// VA 0x00000000 -> PA 0x40000000
	str	x1, [x0, #8]			// VA 0x40000000 -> PA 0x40000000 (this code)
	mov	x1, #0xff
	msr	mair_el1, x1			// Attr0: Normal, write-back
	movz	x1, #0x3519
	movk	x1, #0x80, lsl #16		// T0SZ 25, cacheable walks, 4K, EPD1
	msr	tcr_el1, x1
	msr	ttbr0_el1, x0
	isb
	mrs	x1, sctlr_el1
	orr	x1, x1, #1			// M
	msr	sctlr_el1, x1
	isb
	movz	x2, #0x2000
	mov	x3, #42
	mov	x5, #16
1:	str	x3, [x2], #8
	ldr	x4, [x2, #-8]
	subs	x5, x5, #1
	b.ne	1b
	movz	w0, #0x0008
	movk	w0, #0x8400, lsl #16		// PSCI SYSTEM_OFF
	hvc	#0
2:	b	2b
