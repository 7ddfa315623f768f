/*
 * tests/qemu/guest/start.S - entry of the bare-metal AT prober.
 *
 * QEMU's virt machine with virtualization=on enters the ELF entry point at
 * EL2 with the MMU off.  Set up a stack and the EL2 vector table (every
 * exception is unexpected: report it and power off), then run main().
 */
	.section .text.start, "ax"
	.global _start
_start:
	ldr	x1, =__stack_top
	mov	sp, x1
	adr	x1, vectors
	msr	vbar_el2, x1
	isb
	bl	guest_main
	b	guest_poweroff

	.global guest_poweroff
guest_poweroff:
	/* PSCI SYSTEM_OFF; virt's conduit is SMC when EL2 is emulated. */
	ldr	w0, =0x84000008
	smc	#0
1:	wfi
	b	1b

	.macro	vent
	.balign	0x80
	mov	x0, sp
	b	exc_common
	.endm

	.balign	0x800
vectors:
	.rept	16
	vent
	.endr

exc_common:
	ldr	x1, =__stack_top
	mov	sp, x1
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, far_el2
	bl	guest_exception
	b	guest_poweroff
