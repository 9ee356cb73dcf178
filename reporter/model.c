#include "model.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

void model_init(struct model *model)
{
	memset(model, 0, sizeof(*model));
}

static void owner_release(struct owner *owner)
{
	size_t i;

	free(owner->username);
	free(owner->name);
	free(owner->state);
	for (i = 0; i < owner->verified_count; i++)
		free(owner->verified_emails[i]);
	free(owner->verified_emails);
}

static void credential_release(struct credential *cred)
{
	size_t i;

	free(cred->name);
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
}

void model_release(struct model *model)
{
	size_t i;

	for (i = 0; i < model->owner_count; i++)
		owner_release(&model->owners[i]);
	free(model->owners);
	for (i = 0; i < model->cred_count; i++)
		credential_release(&model->creds[i]);
	free(model->creds);
	free(model->snapshot_path);
	free(model->snapshot_digest);
	free(model->gitlab_version);
	free(model->gnupg_version);
	model_init(model);
}

struct credential *model_add(struct model *model, enum cred_kind kind)
{
	struct credential *cred;

	if (model->cred_count == model->cred_cap) {
		model->cred_cap = model->cred_cap ? model->cred_cap * 2 : 256;
		model->creds = xrealloc(model->creds,
					model->cred_cap * sizeof(*cred));
	}
	cred = &model->creds[model->cred_count++];
	memset(cred, 0, sizeof(*cred));
	cred->kind = kind;
	cred->verification = GPG_UNVERIFIED;
	return cred;
}

const struct owner *model_find_owner(const struct model *model, int64_t id)
{
	size_t lo = 0, hi = model->owner_count;

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

void credential_add_finding(struct credential *cred, const char *rule,
			    enum severity sev, const char *fmt, ...)
{
	struct finding *finding;
	struct buf message = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&message, fmt, ap);
	va_end(ap);

	cred->findings = xrealloc(cred->findings,
				  (cred->finding_count + 1) * sizeof(*finding));
	finding = &cred->findings[cred->finding_count++];
	finding->rule = rule;
	finding->severity = sev;
	finding->message = buf_detach(&message, NULL);
	if (cred->finding_count == 1 || sev > cred->worst)
		cred->worst = sev;
}

void model_summarize(struct model *model)
{
	struct summary *sum = &model->summary;
	size_t i, j;

	memset(sum->by_kind_state, 0, sizeof(sum->by_kind_state));
	memset(sum->by_severity, 0, sizeof(sum->by_severity));
	sum->findings = 0;
	for (i = 0; i < model->cred_count; i++) {
		const struct credential *cred = &model->creds[i];

		sum->by_kind_state[cred->kind][cred->state]++;
		for (j = 0; j < cred->finding_count; j++)
			sum->by_severity[cred->findings[j].severity]++;
		sum->findings += cred->finding_count;
	}
}
