#include "model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static const char *const kind_ids[KIND_COUNT] = {
	"personal_access_token", "project_access_token", "group_access_token",
	"ssh_key", "deploy_key", "gpg_key",
};

static const char *const kind_labels[KIND_COUNT] = {
	"Personal access tokens", "Project access tokens",
	"Group access tokens", "SSH keys", "Deploy keys", "GPG keys",
};

const char *kind_id(enum cred_kind kind)
{
	return kind < KIND_COUNT ? kind_ids[kind] : "unknown";
}

const char *kind_label(enum cred_kind kind)
{
	return kind < KIND_COUNT ? kind_labels[kind] : "Unknown";
}

const char *state_id(enum cred_state state)
{
	static const char *const ids[STATE_COUNT] = {
		"active", "expired", "revoked",
	};

	return state < STATE_COUNT ? ids[state] : "unknown";
}

const char *severity_id(enum severity sev)
{
	static const char *const ids[SEV_COUNT] = {
		"info", "low", "medium", "high",
	};

	return sev < SEV_COUNT ? ids[sev] : "unknown";
}

const char *user_type_id(int user_type)
{
	/* users.user_type values from GitLab's HasUserType concern. */
	switch (user_type) {
	case 0: return "human";
	case 1: return "support_bot";
	case 2: return "alert_bot";
	case 3: return "visual_review_bot";
	case 4: return "service_user";
	case 5: return "ghost";
	case 6: return "project_bot";
	case 7: return "migration_bot";
	case 8: return "security_bot";
	case 9: return "automation_bot";
	case 10: return "security_policy_bot";
	case 11: return "admin_bot";
	case 13: return "service_account";
	case 15: return "placeholder";
	case 16: return "duo_code_review_bot";
	case 17: return "import_user";
	default: return "unknown";
	}
}

static const struct {
	const char *id;
	const char *label;
} key_families[KEY_FAMILY_COUNT] = {
	[KEY_RSA] = { "rsa", "RSA" },
	[KEY_DSA] = { "dsa", "DSA" },
	[KEY_ECDSA] = { "ecdsa", "ECDSA" },
	[KEY_ED25519] = { "ed25519", "ED25519" },
	[KEY_ECDSA_SK] = { "ecdsa_sk", "ECDSA_SK" },
	[KEY_ED25519_SK] = { "ed25519_sk", "ED25519_SK" },
};

const char *key_family_id(enum key_family family)
{
	return family < KEY_FAMILY_COUNT ? key_families[family].id : "unknown";
}

const char *key_family_label(enum key_family family)
{
	return family < KEY_FAMILY_COUNT ? key_families[family].label : "unknown";
}

enum key_family key_family_of(const char *ssh_type)
{
	if (!strcmp(ssh_type, "ssh-rsa"))
		return KEY_RSA;
	if (!strcmp(ssh_type, "ssh-dss"))
		return KEY_DSA;
	if (!strncmp(ssh_type, "ecdsa-sha2-", 11))
		return KEY_ECDSA;
	if (!strcmp(ssh_type, "ssh-ed25519"))
		return KEY_ED25519;
	if (!strcmp(ssh_type, "sk-ecdsa-sha2-nistp256@openssh.com"))
		return KEY_ECDSA_SK;
	if (!strcmp(ssh_type, "sk-ssh-ed25519@openssh.com"))
		return KEY_ED25519_SK;
	return KEY_FAMILY_COUNT;
}

int kind_has_state(enum cred_kind kind, enum cred_state state)
{
	return !(state == STATE_REVOKED &&
		 (kind == KIND_SSH_KEY || kind == KIND_DEPLOY_KEY));
}

enum cred_state token_state(int revoked, const struct timestamp *expires_at,
			    int64_t now)
{
	if (revoked)
		return STATE_REVOKED;
	/*
	 * A token expires at 00:00 UTC on its expires_at date, so it is
	 * already expired for the whole of that day.
	 */
	if (expires_at->state == TS_SET &&
	    ts_day(expires_at->sec) <= ts_day(now))
		return STATE_EXPIRED;
	return STATE_ACTIVE;
}

enum cred_state key_state(const struct timestamp *expires_at, int64_t now)
{
	if (expires_at->state == TS_SET && expires_at->sec <= now)
		return STATE_EXPIRED;
	return STATE_ACTIVE;
}

/* ------------------------------------------------------------ strings */

#define STRPOOL_BLOCK (64 * 1024)

static char *strpool_alloc(struct strpool *pool, size_t size)
{
	char *p;

	if (pool->size - pool->used < size) {
		size_t block = size > STRPOOL_BLOCK / 4 ? size : STRPOOL_BLOCK;

		if (pool->block) {
			pool->old_blocks = xrealloc(pool->old_blocks,
				(pool->old_count + 1) * sizeof(*pool->old_blocks));
			pool->old_blocks[pool->old_count++] = pool->block;
		}
		pool->block = xmalloc(block);
		pool->size = block;
		pool->used = 0;
	}
	p = pool->block + pool->used;
	pool->used += size;
	return p;
}

static void strpool_release(struct strpool *pool)
{
	size_t i;

	for (i = 0; i < pool->old_count; i++)
		free(pool->old_blocks[i]);
	free(pool->old_blocks);
	free(pool->block);
	memset(pool, 0, sizeof(*pool));
}

const char *model_strdup(struct model *model, const char *s, size_t len)
{
	char *copy;

	if (!s)
		return NULL;
	copy = strpool_alloc(&model->strings, len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

/* -------------------------------------------------------------- model */

static size_t rule_index(const struct policy_rule *rule)
{
	return (size_t)(rule - policy_rules);
}

/* Highest severity first, then the order of the policy table. */
static int compare_groups(const void *a, const void *b)
{
	const struct finding_group *x = a, *y = b;

	if (x->rule && y->rule) {
		if (x->severity != y->severity)
			return x->severity > y->severity ? -1 : 1;
		return rule_index(x->rule) < rule_index(y->rule) ? -1 :
		       rule_index(x->rule) > rule_index(y->rule);
	}
	if (x->rule || y->rule)
		return x->rule ? -1 : 1;
	return strcmp(x->id, y->id);
}

void model_init(struct model *model)
{
	size_t i;

	memset(model, 0, sizeof(*model));
	model->groups = xcalloc(policy_rule_count, sizeof(*model->groups));
	model->group_count = policy_rule_count;
	for (i = 0; i < policy_rule_count; i++) {
		model->groups[i].id = policy_rules[i].id;
		model->groups[i].severity = policy_rules[i].severity;
		model->groups[i].rule = &policy_rules[i];
	}
	qsort(model->groups, model->group_count, sizeof(*model->groups),
	      compare_groups);
}

static void worst_case_release(struct worst_case *wc)
{
	free(wc->name);
	free(wc->message);
	memset(wc, 0, sizeof(*wc));
}

void model_release(struct model *model)
{
	size_t i, j;

	free(model->owners);
	free(model->owner_index);
	strpool_release(&model->strings);
	for (i = 0; i < model->group_count; i++)
		for (j = 0; j < model->groups[i].case_count; j++)
			worst_case_release(&model->groups[i].cases[j]);
	free(model->groups);
	free(model->missing);
	free(model->snapshot_path);
	free(model->snapshot_digest);
	free(model->gitlab_version);
	free(model->gitlab_host);
	free(model->gnupg_version);
	memset(model, 0, sizeof(*model));
}

void model_add_missing(struct model *model, const char *name, unsigned kinds,
		       unsigned fields, int table_unread)
{
	struct missing_input *missing;
	size_t i;

	for (i = 0; i < model->missing_count; i++) {
		missing = &model->missing[i];
		if (strcmp(missing->name, name))
			continue;
		missing->kinds |= kinds;
		missing->fields |= fields;
		missing->table_unread |= table_unread;
		return;
	}
	model->missing = xrealloc(model->missing, (model->missing_count + 1) *
				  sizeof(*model->missing));
	missing = &model->missing[model->missing_count++];
	missing->name = model_strdup(model, name, strlen(name));
	missing->kinds = kinds;
	missing->fields = fields;
	missing->table_unread = table_unread;
	missing->invalid = 0;
}

void model_add_invalid(struct model *model, const char *name, unsigned kinds,
		       unsigned fields)
{
	size_t i;

	model_add_missing(model, name, kinds, fields, 0);
	/* A name recorded before is not the last entry. */
	for (i = 0; i < model->missing_count; i++)
		if (!strcmp(model->missing[i].name, name))
			model->missing[i].invalid = 1;
}

void credential_init(struct credential *cred, enum cred_kind kind)
{
	memset(cred, 0, sizeof(*cred));
	cred->kind = kind;
	cred->verification = GPG_UNVERIFIED;
}

void credential_release(struct credential *cred)
{
	size_t i;

	free(cred->name);
	free(cred->id_raw);
	free(cred->impersonation_raw);
	free(cred->previous_id_raw);
	free(cred->usage_type_raw);
	free(cred->key_type_raw);
	free(cred->resource.path);
	ts_release(&cred->created_at);
	ts_release(&cred->last_used_at);
	ts_release(&cred->expires_at);
	ts_release(&cred->revoked_at);
	strlist_release(&cred->scopes);
	sshkey_release(&cred->ssh);
	free(cred->usage_type);
	gpg_key_info_release(&cred->gpg);
	for (i = 0; i < cred->finding_count; i++)
		free(cred->findings[i].message);
	free(cred->findings);
	memset(cred, 0, sizeof(*cred));
}

void model_index_owners(struct model *model)
{
	uint64_t span;
	size_t i;

	free(model->owner_index);
	model->owner_index = NULL;
	model->owner_index_len = 0;
	if (!model->owner_count)
		return;
	span = (uint64_t)model->owners[model->owner_count - 1].id -
	       (uint64_t)model->owners[0].id + 1;
	if (span == 0 || span > 4 * (uint64_t)model->owner_count + 1024 ||
	    model->owner_count >= UINT32_MAX)
		return;
	model->owner_index = xcalloc((size_t)span, sizeof(*model->owner_index));
	model->owner_index_base = model->owners[0].id;
	model->owner_index_len = (size_t)span;
	/* A repeated id keeps its first owner. */
	for (i = model->owner_count; i-- > 0;) {
		uint64_t at = (uint64_t)model->owners[i].id -
			      (uint64_t)model->owner_index_base;

		if (at >= span) {
			/* Not sorted after all: keep to the binary search. */
			free(model->owner_index);
			model->owner_index = NULL;
			model->owner_index_len = 0;
			return;
		}
		model->owner_index[at] = (uint32_t)(i + 1);
	}
}

const struct owner *model_find_owner(const struct model *model, int64_t id)
{
	size_t lo = 0, hi = model->owner_count;

	if (model->owner_index) {
		uint64_t at = (uint64_t)id - (uint64_t)model->owner_index_base;
		uint32_t slot;

		if (id < model->owner_index_base || at >= model->owner_index_len)
			return NULL;
		slot = model->owner_index[at];
		return slot ? &model->owners[slot - 1] : NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (model->owners[mid].id == id)
			return &model->owners[mid];
		if (model->owners[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int64_t credential_anchor_row(const struct credential *cred)
{
	return cred->invalid_id || cred->duplicate ? cred->row : 0;
}

void credential_add_findingv(struct credential *cred, const char *rule,
			     enum severity sev, const char *fmt, va_list ap)
{
	struct finding *finding;
	struct buf message = BUF_INIT;

	buf_vaddf(&message, fmt, ap);
	cred->findings = xrealloc(cred->findings,
				  (cred->finding_count + 1) * sizeof(*finding));
	finding = &cred->findings[cred->finding_count++];
	finding->rule = rule;
	finding->severity = sev;
	finding->message = buf_detach(&message, NULL);
	if (cred->finding_count == 1 || sev > cred->worst)
		cred->worst = sev;
}

void credential_add_finding(struct credential *cred, const char *rule,
			    enum severity sev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	credential_add_findingv(cred, rule, sev, fmt, ap);
	va_end(ap);
}

static struct finding_group *find_group(struct model *model,
					const struct finding *finding)
{
	struct finding_group *group;
	size_t i;

	/* The table has a few dozen rules, so a linear search is enough. */
	for (i = 0; i < model->group_count; i++)
		if (model->groups[i].id == finding->rule ||
		    !strcmp(model->groups[i].id, finding->rule))
			return &model->groups[i];

	/* A rule outside the table: a new group at the end, by id. */
	model->groups = xrealloc(model->groups, (model->group_count + 1) *
				 sizeof(*model->groups));
	group = &model->groups[model->group_count++];
	memset(group, 0, sizeof(*group));
	group->id = finding->rule;
	group->severity = finding->severity;
	qsort(model->groups, model->group_count, sizeof(*model->groups),
	      compare_groups);
	for (i = 0; i < model->group_count; i++)
		if (model->groups[i].id == finding->rule ||
		    !strcmp(model->groups[i].id, finding->rule))
			return &model->groups[i];
	return NULL;
}

/* Whether case `a` comes before case `b`: worse first, then kind, then id. */
static int ranks_before(enum severity worst_a, enum cred_kind kind_a,
			int64_t id_a, const struct worst_case *b)
{
	if (worst_a != b->worst)
		return worst_a > b->worst;
	if (kind_a != b->kind)
		return kind_a < b->kind;
	return id_a < b->id;
}

static void keep_worst_case(struct finding_group *group,
			    const struct credential *cred,
			    const struct finding *finding,
			    const char *plan_action, enum plan_mark mark,
			    size_t page)
{
	struct worst_case *wc;
	size_t at = group->case_count;

	/* Rows arrive by table, then id, so a later equal case never ranks first. */
	while (at > 0 && ranks_before(cred->worst, cred->kind, cred->id,
				      &group->cases[at - 1]))
		at--;
	if (at >= WORST_CASES_MAX)
		return;
	if (group->case_count == WORST_CASES_MAX)
		worst_case_release(&group->cases[--group->case_count]);
	memmove(&group->cases[at + 1], &group->cases[at],
		(group->case_count - at) * sizeof(*group->cases));
	group->case_count++;

	wc = &group->cases[at];
	memset(wc, 0, sizeof(*wc));
	wc->kind = cred->kind;
	wc->id = cred->id;
	wc->name = cred->name ? xstrdup(cred->name) : NULL;
	wc->owner_id = cred->owner_id;
	wc->owner = cred->owner;
	wc->unavailable = cred->unavailable;
	wc->worst = cred->worst;
	wc->invalid_id = cred->invalid_id;
	wc->row = credential_anchor_row(cred);
	wc->message = xstrdup(finding->message);
	snprintf(wc->plan_action, sizeof(wc->plan_action), "%s",
		 plan_action ? plan_action : "");
	wc->plan_mark = mark;
	wc->page = page;
}

static void count_skipped(struct model *model, const struct policy_rule *rule,
			  enum cred_kind kind)
{
	size_t g;

	for (g = 0; g < model->group_count; g++)
		if (model->groups[g].rule == rule) {
			model->groups[g].skipped[kind]++;
			return;
		}
}

void model_count(struct model *model, const struct credential *cred,
		 const char *plan_action, enum plan_mark mark, size_t page)
{
	struct summary *sum = &model->summary;
	size_t i;

	sum->by_kind_state[cred->kind][cred->state]++;
	sum->findings += cred->finding_count;
	for (i = 0; i < cred->finding_count; i++) {
		const struct finding *finding = &cred->findings[i];
		struct finding_group *group = find_group(model, finding);

		sum->by_severity[finding->severity]++;
		group->count++;
		keep_worst_case(group, cred, finding, plan_action, mark,
				page);
	}
	for (i = 0; cred->skipped_rules && i < policy_rule_count; i++)
		if (cred->skipped_rules & (UINT64_C(1) << i))
			count_skipped(model, &policy_rules[i], cred->kind);
}
