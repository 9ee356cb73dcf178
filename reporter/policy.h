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
	unsigned kinds;             /* KIND_BIT set of the kinds it judges */
	int active_only;            /* it judges active credentials only */
	/*
	 * enum field bits without which it cannot judge a credential. Rules
	 * that check the snapshot's own values (date-invalid and the like)
	 * need none: a value the snapshot lacks cannot be invalid.
	 */
	unsigned needs;
};

/*
 * The credentials and kinds that a rule could not judge because the
 * snapshot lacks a table or a column. Kinds are KIND_BIT sets.
 */
struct rule_gap {
	unsigned not_checked;       /* kinds with credentials it skipped */
	unsigned unread;            /* of those, kinds whose table was not read */
	size_t skipped[KIND_COUNT]; /* per kind, the credentials it skipped */
	size_t total[KIND_COUNT];   /* per kind, the credentials it judges
				       when nothing is missing */
	int checked_some;           /* a credential it applies to was not skipped */
};

struct policy {
	int max_lifetime_days;      /* token lifetime over this is a finding */
	int max_lifetime_instance;  /* 1: the instance set it, 0: GitLab's default */
	int unused_days;            /* last use older than this */
	int never_used_days;        /* never used this long after creation */
	int expiring_days;          /* expires within this many days */
	unsigned rsa_fail_bits;     /* RSA below this fails */
	unsigned rsa_warn_bits;     /* RSA below this warns */
	unsigned gpg_min_bits;      /* GPG RSA/DSA below this */
	/*
	 * The instance's restriction of each SSH key type (-1 forbidden, 0
	 * any size, or the minimum bits), read only where the loader left
	 * FIELD_KEY_RESTRICTION available.
	 */
	int64_t key_restriction[KEY_FAMILY_COUNT];
	int64_t max_key_lifetime_days;  /* the instance's maximum; 0: none */
};

extern const struct policy_rule policy_rules[];
extern const size_t policy_rule_count;

void policy_defaults(struct policy *policy);
/*
 * Take the instance's own limits from `settings`: its maximum token
 * lifetime replaces GitLab's default, and its SSH key restrictions and
 * maximum key lifetime become rules. Values that are not SETTING_SET
 * leave the defaults.
 */
void policy_use_settings(struct policy *policy,
			 const struct instance_settings *settings);
const struct policy_rule *policy_rule_find(const char *id);

/*
 * Find what `rule` could not judge in the snapshot of `model`: the
 * credentials it skipped (finding_group.skipped), and the kinds whose
 * table was not read at all (model->missing).
 */
void policy_rule_gap(const struct model *model, const struct policy_rule *rule,
		     struct rule_gap *gap);
/*
 * Append what a rule's heading shows after its id: its count of findings,
 * "12, checked in part" when it skipped credentials, or "not checked"
 * when it could judge none and found nothing.
 */
void policy_count_label(const struct rule_gap *gap, size_t findings,
			struct buf *out);
/* The number of rules with credentials they could not judge. */
size_t policy_rules_not_checked(const struct model *model);
/*
 * The kinds that the missing table or column `missing` kept `rule` from
 * judging: those of a table that was not read, and those with skipped
 * credentials when `missing` leaves a field unavailable that the rule
 * needs.
 */
unsigned policy_missing_blocks(const struct model *model,
			       const struct policy_rule *rule,
			       const struct missing_input *missing);
/*
 * Append a sentence with the number of credentials of each kind that
 * `rule` did not check and the tables or columns that are missing. An
 * example is "Not checked for all 33 active SSH keys: keys.last_used_at
 * is not in this snapshot." Each name is written between two copies of
 * `quote` ("`" for a code span, or ""). Appends nothing when the rule
 * checked every credential. The text has no data from the snapshot: the
 * names are GitLab's, from the loader's own list of tables.
 */
void policy_describe_gap(const struct model *model,
			 const struct policy_rule *rule, const char *quote,
			 struct buf *out);
/*
 * Print one warning that lists the rules that could not judge every
 * credential and the tables and columns they lacked. Prints nothing when
 * every rule judged every credential.
 */
void policy_warn_not_checked(const struct model *model);

/*
 * Record that rule `rule` (an id from policy_rules) could not judge
 * `cred` for lack of a field. A rule that does not judge the kind of
 * `cred` is not recorded.
 */
void policy_skip_rule(struct credential *cred, const char *rule);

/* Add a finding of rule `rule` (an id from policy_rules) to `cred`. */
void finding_add(struct credential *cred, const char *rule, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));

/* Add the findings of `cred` at `now`, after those it already has. */
void policy_check(const struct policy *policy, struct credential *cred,
		  int64_t now);

#endif
