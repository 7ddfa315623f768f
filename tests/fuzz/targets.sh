# shellcheck shell=sh
# tests/fuzz/targets.sh - the libFuzzer targets, sourced by the fuzz scripts.
# Target NAME is tests/fuzz/fuzz_NAME.c; its seed corpus is corpus/NAME/,
# its dictionary NAME.dict (if any) and its regression inputs regressions/NAME/.
#
# workload: the workload-file parser (workloads/) has no parse-from-memory
# entry point yet.  When it has one, add fuzz_workload.c calling it, seed
# corpus/workload/ and add "workload" here and to run_regressions.sh.
# shellcheck disable=SC2034 # used by the scripts that source this
MMUSIM_FUZZ_TARGETS="scenario trace config results"
