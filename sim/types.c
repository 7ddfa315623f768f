/* sim/types.c - names for the shared enums of sim/types.h. */
#include "sim/types.h"

#include <stddef.h>

#include "sim/bits.h"

const char *mmu_fault_type_name(enum mmu_fault_type t)
{
	switch (t) {
	case MMU_FAULT_NONE:         return "none";
	case MMU_FAULT_TRANSLATION:  return "translation";
	case MMU_FAULT_ADDRESS_SIZE: return "address-size";
	case MMU_FAULT_ACCESS_FLAG:  return "access-flag";
	case MMU_FAULT_PERMISSION:   return "permission";
	case MMU_FAULT_EXTERNAL:     return "external";
	}
	return "unknown";
}

static const char *const tlbi_names[TLBI__COUNT] = {
	[TLBI_VMALLE1] = "vmalle1",     [TLBI_VMALLS12E1] = "vmalls12e1",
	[TLBI_ALLE1] = "alle1",         [TLBI_ASIDE1] = "aside1",
	[TLBI_VAE1] = "vae1",           [TLBI_VALE1] = "vale1",
	[TLBI_VAAE1] = "vaae1",         [TLBI_VAALE1] = "vaale1",
	[TLBI_IPAS2E1] = "ipas2e1",     [TLBI_IPAS2LE1] = "ipas2le1",
	[TLBI_ALLE2] = "alle2",         [TLBI_VAE2] = "vae2",
	[TLBI_VALE2] = "vale2",
};

const char *tlbi_op_name(enum tlbi_op op)
{
	return (unsigned)op < TLBI__COUNT ? tlbi_names[op] : NULL;
}
