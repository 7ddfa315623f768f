/*
 * sim/cmd.h - the subcommands of the mmusim program.
 *
 * Each subcommand lives in its own sim/cmd_*.c and has the signature of
 * main(): it parses its own options, prints its own --help, and returns the
 * process exit status (0 success, 1 a run that found a problem in its
 * subject, 2 bad usage or bad input).  Only sim/main.c calls exit().
 */
#ifndef MMUSIM_SIM_CMD_H
#define MMUSIM_SIM_CMD_H

#define EXIT_USAGE 2

int cmd_walk(int argc, char **argv);
int cmd_layout(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_record(int argc, char **argv);

#endif /* MMUSIM_SIM_CMD_H */
