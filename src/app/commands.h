/* commands.h - the convscope subcommands. Each takes the arguments after its name
 * (argv[0] is the subcommand) and returns the process exit code: 0 success, 1 a runtime
 * or input error (one line on stderr), 2 a usage error (usage on stderr). */
#ifndef CS_COMMANDS_H
#define CS_COMMANDS_H

int cs_cmd_train(int argc, char **argv);
int cs_cmd_bench(int argc, char **argv);

#endif
