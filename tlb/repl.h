/*
 * tlb/repl.h - replacement policies of the set-associative arrays that back
 * TLBs and walk caches: one const ops table per policy.
 *
 * Semantics shared by every policy:
 *  - The array itself prefers an invalid way (the lowest-numbered one) and
 *    asks the policy for a victim only when every way of the set is valid.
 *  - hit() is called on every lookup hit, fill() on every insertion (also
 *    when an identical entry is refreshed in place).
 *  - Repeating hit() on the way that was the last one hit or filled in the
 *    whole array never changes a later victim choice ("touch idempotence").
 *    The last-hit memo of struct tlb relies on this to skip the call; every
 *    policy here has the property, and a new one must too (or clear
 *    touch_idempotent).
 *  - Random replacement takes its seed from the configuration only; there
 *    is no hidden entropy, so runs are reproducible.
 */
#ifndef MMUSIM_TLB_REPL_H
#define MMUSIM_TLB_REPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tlb_repl_ops {
	const char *name;               /* "lru", "plru", "fifo", "random" */
	bool touch_idempotent;          /* see the file comment */
	/* Bytes of state for the given geometry (ways a power of two). */
	size_t (*state_size)(unsigned sets, unsigned ways);
	/* Initialise zeroed-or-not state; called before any other op. */
	void (*init)(void *st, unsigned sets, unsigned ways, uint64_t seed);
	void (*hit)(void *st, unsigned set, unsigned way);
	void (*fill)(void *st, unsigned set, unsigned way);
	/* The way to evict from a set whose ways are all valid. */
	unsigned (*victim)(void *st, unsigned set);
};

/* True LRU (per-way age stamps). */
extern const struct tlb_repl_ops tlb_repl_lru;
/* Tree pseudo-LRU: ways - 1 direction bits per set. */
extern const struct tlb_repl_ops tlb_repl_plru;
/* First in, first out: hits do not change the order. */
extern const struct tlb_repl_ops tlb_repl_fifo;
/* Uniform random victim from a seeded xorshift64* generator. */
extern const struct tlb_repl_ops tlb_repl_random;

/**
 * tlb_repl_find() - a policy by its name.
 * @name: "lru", "plru", "fifo" or "random"
 *
 * Return: the ops table, or NULL if the name is unknown.
 */
const struct tlb_repl_ops *tlb_repl_find(const char *name);

#endif /* MMUSIM_TLB_REPL_H */
