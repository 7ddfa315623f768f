/*
 * sim/types.h - address-translation vocabulary shared by every module
 * (a leaf header): stages, regimes, access kinds and the fault record.
 *
 * Address spaces are kept apart by names: va, ipa, pa for addresses,
 * *_page for page numbers, *_shift for log2 sizes.
 */
#ifndef MMUSIM_SIM_TYPES_H
#define MMUSIM_SIM_TYPES_H

#include <stdbool.h>
#include <stdint.h>

enum mmu_stage {
	MMU_STAGE1 = 1,
	MMU_STAGE2 = 2,
};

/* Stage-1 translation regimes (Arm ARM D8.1.2). */
enum mmu_regime {
	MMU_REGIME_EL10 = 0,    /* EL1&0: two VA ranges, ASIDs, VMID-tagged */
	MMU_REGIME_EL20 = 1,    /* EL2&0 (VHE): two VA ranges, ASIDs, no VMID */
	MMU_REGIME_EL2 = 2,     /* EL2 without VHE: one range, all global */
};

/* What an access wants to do, and from which exception level. */
enum mmu_acc_type {
	MMU_ACC_READ = 0,
	MMU_ACC_WRITE = 1,
	MMU_ACC_FETCH = 2,
};

struct mmu_access {
	enum mmu_acc_type type;
	uint8_t el;             /* 0 (unprivileged) or 1/2 (privileged) */
};

enum mmu_fault_type {
	MMU_FAULT_NONE = 0,
	MMU_FAULT_TRANSLATION,
	MMU_FAULT_ADDRESS_SIZE,
	MMU_FAULT_ACCESS_FLAG,
	MMU_FAULT_PERMISSION,
	MMU_FAULT_EXTERNAL,     /* the memory callback could not supply a word */
};

/*
 * An architectural fault: data, never an error.  level is the lookup level as
 * PAR_EL1 reports it after an AT instruction; for a stage-2 fault on a
 * stage-1 table fetch (s1ptw) that is the level of the stage-1 descriptor
 * being fetched, and s2_level keeps the stage-2 walk's own level (the
 * ESR_EL2 view).
 */
struct mmu_fault {
	enum mmu_fault_type type;
	int8_t level;
	int8_t s2_level;        /* stage-2 level when stage == 2, else -2 */
	uint8_t stage;          /* 1 or 2 */
	bool s1ptw;             /* stage-2 fault while fetching a stage-1 table */
	uint64_t ipa;           /* faulting IPA for stage-2 faults (HPFAR view) */
};

const char *mmu_fault_type_name(enum mmu_fault_type t);

/*
 * TLB maintenance operations (Arm ARM D8.17.5), as trace control records and
 * the TLB model name them.  The Inner Shareable (broadcast) form of each is
 * the same operation with TLBI_F_IS set in the record's flags.
 */
enum tlbi_op {
	TLBI_VMALLE1 = 0,       /* current VMID, stage 1, all ASIDs and globals */
	TLBI_VMALLS12E1,        /* current VMID, stage 1 and stage 2 */
	TLBI_ALLE1,             /* every VMID, EL1&0, both stages */
	TLBI_ASIDE1,            /* current VMID, non-global entries of one ASID */
	TLBI_VAE1,              /* VA + ASID (and global leaves), all levels */
	TLBI_VALE1,             /* as VAE1, final level only */
	TLBI_VAAE1,             /* VA, any ASID, all levels */
	TLBI_VAALE1,            /* VA, any ASID, final level only */
	TLBI_IPAS2E1,           /* IPA, stage-2-only entries, all levels */
	TLBI_IPAS2LE1,          /* IPA, stage-2-only entries, final level only */
	TLBI_ALLE2,             /* the EL2 (or EL2&0) regime, everything */
	TLBI_VAE2,              /* EL2 regime by VA, all levels */
	TLBI_VALE2,             /* EL2 regime by VA, final level only */
	TLBI__COUNT
};

#define TLBI_F_IS 0x1           /* broadcast to every PE (the ...IS forms) */

/* "vmalle1" ... ; NULL for an out-of-range value. */
const char *tlbi_op_name(enum tlbi_op op);

#endif /* MMUSIM_SIM_TYPES_H */
