#ifndef CREDAUDIT_POLICY_H
#define CREDAUDIT_POLICY_H

#include <stddef.h>

#include "model.h"

/*
 * The audit policy: each rule has an id, a severity, the number it tests
 * and where that number comes from. docs/policy.md explains every rule.
 */
struct policy_rule {
	const char *id;             /* e.g. "token-unused" */
	enum severity severity;
	const char *summary;        /* one line, with the threshold */
	const char *source;         /* standard or GitLab rule behind it */
	int proposes_action;        /* findings put the credential in the plan */
};

struct policy {
	int max_lifetime_days;      /* token lifetime over this is a finding */
	int unused_days;            /* last use older than this */
	int never_used_days;        /* never used this long after creation */
	int expiring_days;          /* expires within this many days */
	unsigned rsa_fail_bits;     /* RSA below this fails */
	unsigned rsa_warn_bits;     /* RSA below this warns */
	unsigned gpg_min_bits;      /* GPG RSA/DSA below this */
};

extern const struct policy_rule policy_rules[];
extern const size_t policy_rule_count;

void policy_defaults(struct policy *policy);
const struct policy_rule *policy_rule_find(const char *id);

/* Add a finding of rule `rule` (an id from policy_rules) to `cred`. */
void finding_add(struct credential *cred, const char *rule, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));

/* Add the findings of `cred` at `now`, after those it already has. */
void policy_check(const struct policy *policy, struct credential *cred,
		  int64_t now);

#endif
