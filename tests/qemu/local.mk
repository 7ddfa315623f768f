# tests/qemu/local.mk: differential testing of `mmusim walk` against the
# AArch64 MMU of QEMU's system emulator (see tests/qemu/README.md).
#
# `make check` runs only the committed regression scenarios, without QEMU.
# `make check-qemu` builds the scenario generator, the packer and the
# bare-metal prober (cross-compiled), and compares a few thousand random
# scenarios; it needs qemu-system-aarch64 and aarch64-linux-gnu-gcc.

TESTS += tests/qemu/run_regress.sh
EXTRA_DIST += tests/qemu/README.md tests/qemu/run_regress.sh tests/qemu/regress \
	tests/qemu/check_qemu.sh tests/qemu/gen_scn.c tests/qemu/scn_pack.c \
	tests/qemu/blob.h tests/qemu/guest

EXTRA_PROGRAMS += tests/qemu/gen_scn tests/qemu/scn_pack
tests_qemu_gen_scn_SOURCES = tests/qemu/gen_scn.c
tests_qemu_scn_pack_SOURCES = tests/qemu/scn_pack.c tests/qemu/blob.h
CLEANFILES += tests/qemu/gen_scn$(EXEEXT) tests/qemu/scn_pack$(EXEEXT) \
	tests/qemu/guest.elf

QEMU_CROSS_CC = aarch64-linux-gnu-gcc
QEMU_GUEST_CFLAGS = -ffreestanding -nostdlib -mgeneral-regs-only -mstrict-align \
	-O2 -Wall -Wextra
QEMU_GUEST_SRC = $(srcdir)/tests/qemu/guest/start.S $(srcdir)/tests/qemu/guest/main.c

tests/qemu/guest.elf: $(QEMU_GUEST_SRC) $(srcdir)/tests/qemu/guest/guest.ld \
		$(srcdir)/tests/qemu/blob.h
	@$(MKDIR_P) tests/qemu
	$(QEMU_CROSS_CC) $(QEMU_GUEST_CFLAGS) -T $(srcdir)/tests/qemu/guest/guest.ld \
		-Wl,--build-id=none -Wl,--no-warn-rwx-segments -o $@ $(QEMU_GUEST_SRC)

check-qemu: mmusim$(EXEEXT) tests/qemu/gen_scn$(EXEEXT) tests/qemu/scn_pack$(EXEEXT) \
		tests/qemu/guest.elf
	MMUSIM=./mmusim$(EXEEXT) GEN_SCN=./tests/qemu/gen_scn$(EXEEXT) \
	SCN_PACK=./tests/qemu/scn_pack$(EXEEXT) GUEST_ELF=./tests/qemu/guest.elf \
	QEMU_OUT=tests/qemu/out $(SHELL) $(srcdir)/tests/qemu/check_qemu.sh


.PHONY: check-qemu
