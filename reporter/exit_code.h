#ifndef CREDAUDIT_EXIT_CODE_H
#define CREDAUDIT_EXIT_CODE_H

/* Exit codes of every subcommand; docs/exit-codes.md explains each. */
enum exit_code {
	EXIT_OK = 0,
	EXIT_INTERNAL = 1,      /* a library failed in a way no input explains */
	EXIT_USAGE = 2,         /* bad command line */
	EXIT_CANNOT_OPEN = 3,   /* snapshot missing, unreadable or locked */
	EXIT_NOT_SNAPSHOT = 4,  /* not SQLite, or no credential tables */
	EXIT_OUTPUT = 5,        /* the output folder cannot be written */
	EXIT_GNUPG = 6,         /* GnuPG cannot be started */
	EXIT_PLAN_INVALID = 7,  /* plan unreadable, edited so it breaks, or
				   (approve --sign) nothing approved */
	EXIT_PLAN_STALE = 8,    /* plan past valid_until, or for another
				   snapshot, without --force */
	EXIT_SIGNATURE = 9,     /* signature required but missing or not good */
	EXIT_GITLAB_AUTH = 10,  /* GitLab returned 401 or 403: run stopped */
	EXIT_ACTIONS_FAILED = 11, /* some approved actions failed or were
				     not reached */
	EXIT_NOT_GITLAB = 12,   /* --gitlab-url does not serve GitLab's API */
};

#endif
