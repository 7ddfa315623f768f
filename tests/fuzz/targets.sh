# shellcheck shell=sh
# tests/fuzz/targets.sh - the libFuzzer targets, sourced by the fuzz scripts.
# Target NAME is tests/fuzz/fuzz_NAME.c; its seed corpus is corpus/NAME/,
# its dictionary NAME.dict (if any) and its regression inputs regressions/NAME/.

# shellcheck disable=SC2034 # used by the scripts that source this
MMUSIM_FUZZ_TARGETS="scenario trace config results workload champsim"
