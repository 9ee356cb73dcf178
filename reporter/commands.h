#ifndef CREDAUDIT_COMMANDS_H
#define CREDAUDIT_COMMANDS_H

/*
 * Subcommands that live outside main.c. Each takes main()'s argc and argv
 * shifted by one, so that argv[0] is the command name, and returns an
 * enum exit_code value (exit_code.h).
 */
int cmd_approve(int argc, char **argv);
int cmd_apply(int argc, char **argv);

#endif
