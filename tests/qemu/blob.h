/*
 * tests/qemu/blob.h - the scenario batch that scn_pack writes and the
 * bare-metal prober reads.  All words are 64-bit little-endian:
 *
 *   BLOB_MAGIC, number of scenarios, then per scenario:
 *   id, nmem, nreq, the BLOB_NREGS registers in blob_reg order,
 *   nmem pairs (PA, value), nreq pairs (op, VA).
 */
#ifndef QEMU_BLOB_H
#define QEMU_BLOB_H

#define BLOB_MAGIC 0x314e435355514d4dULL    /* "MMQUSCN1" */
#define BLOB_ADDR 0x48000000UL               /* where QEMU's loader puts it */

enum blob_reg {
	BR_SCTLR_EL1, BR_TCR_EL1, BR_TTBR0_EL1, BR_TTBR1_EL1, BR_MAIR_EL1,
	BR_HCR_EL2, BR_VTCR_EL2, BR_VTTBR_EL2, BLOB_NREGS
};

enum blob_op {
	BOP_S1E1R, BOP_S1E1W, BOP_S1E0R, BOP_S1E0W,
	BOP_S12E1R, BOP_S12E1W, BOP_S12E0R, BOP_S12E0W, BLOB_NOPS
};

#endif
