/*
 * gensample: build the sample GitLab credential snapshot (samples/demo.db)
 * that `make demo` and the tests read.
 *
 * The database follows samples/schema.sql: GitLab's own table and column
 * names in SQLite. Users, groups, projects and the hand-written tokens,
 * SSH keys and GPG keys come from the tables in this file. The key
 * material comes from samples/fixtures/, which make-fixtures.sh created
 * with ssh-keygen and gpg. Every date is relative to --now, so the sample
 * has the same shape whatever day it is built. The output depends only
 * on the inputs and --seed: two runs write byte-identical files.
 *
 * Each insert_* function fills one table, and insert_tokens() takes the
 * number of tokens to write. The hand-written rows come first with fixed
 * ids, then rows made from the seed, so larger or hostile samples can be
 * added as more rows after the fixed ones without moving their ids.
 */

#include <errno.h>
#include <gcrypt.h>
#include <getopt.h>
#include <limits.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define DAY 86400
#define DEFAULT_NOW "2026-12-04T12:00:00Z"
#define DEFAULT_SEED 1
#define DEMO_TOKEN_COUNT 200
#define GITLAB_HOST "gitlab.acme.example"
#define GITLAB_VERSION "18.6.1"
#define ORGANIZATION_ID 1
#define TS_MAX 48

/* Exit codes. */
#define EXIT_OK 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2

/*
 * A day relative to --now in the tables below, or 0 for "none" (a NULL
 * date, a token never used, a key that never expires). The bias keeps
 * 0 free, so fields that a table row leaves out mean "none".
 */
#define DAY_BIAS 1000000
#define TODAY DAY_BIAS
#define IN_DAYS(n) (DAY_BIAS + (n))
#define DAYS_AGO(n) (DAY_BIAS - (n))

static int day_offset(int day)
{
	return day - DAY_BIAS;
}

/* --- Users, groups and projects ---------------------------------------- */

/* users.user_type values. */
enum {
	HUMAN = 0,
	SUPPORT_BOT = 1,
	ALERT_BOT = 2,
	GHOST = 5,
	PROJECT_BOT = 6,
	SERVICE_ACCOUNT = 13,
};

/* members.access_level values. */
enum {
	GUEST = 10,
	REPORTER = 20,
	DEVELOPER = 30,
	MAINTAINER = 40,
	OWNER = 50,
};

enum user_id {
	U_ROOT = 1, U_ALICE, U_BOB, U_CAROL, U_DAVE, U_ERIN, U_FRANK, U_GRACE,
	U_HEIDI, U_IVAN, U_JUDY, U_MALLORY, U_NIAJ, U_OLIVIA, U_PEGGY,
	U_RUPERT, U_SYBIL, U_TRENT, U_VICTOR, U_WALTER, U_XAVIER, U_YOLANDA,
	U_ZOE, U_AARON, U_BELLA, U_CHEN, U_DMITRI, U_ESTHER, U_FATIMA,
	U_GUSTAV, U_HIRO, U_INES, U_JAMAL,
	U_GHOST, U_SUPPORT_BOT, U_ALERT_BOT,
	U_SERVICE_RELEASE, U_SERVICE_ACME, U_SERVICE_WEB,
	/* Project and group bots, one per access token. */
	U_BOT_API_CI, U_BOT_API_RENOVATE, U_BOT_TERRAFORM, U_BOT_SHOP_DEPLOY,
	U_BOT_SHOP_REGISTRY, U_BOT_BILLING, U_BOT_DOTFILES, U_BOT_ACME,
	U_BOT_PLATFORM, U_BOT_OSS, U_BOT_ACME_READER, U_BOT_OLD_SHOP,
};

struct user_spec {
	int64_t id;
	const char *username;
	const char *name;
	/* NULL: username@acme.example for humans, username@noreply.<host>
	 * for bots and service accounts. */
	const char *email;
	const char *state;
	int user_type;
	int admin;
	int unconfirmed;        /* confirmed_at is NULL */
	int created;            /* day */
	int last_activity;      /* day, or 0 for NULL */
	int external;
	const char *commit_email;
};

static const struct user_spec users[] = {
	{ U_ROOT, "root", "Administrator", "admin@acme.example", "active",
	  HUMAN, 1, 0, DAYS_AGO(2200), TODAY, 0, NULL },
	{ U_ALICE, "alice", "Alice Adams", NULL, "active",
	  HUMAN, 1, 0, DAYS_AGO(2100), TODAY, 0, NULL },
	{ U_BOB, "bob", "Bob Baker", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(2000), TODAY, 0, NULL },
	{ U_CAROL, "carol", "Carol Clark", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(1900), TODAY, 0, NULL },
	{ U_DAVE, "dave", "Dave Davis", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(1800), DAYS_AGO(1), 0, NULL },
	{ U_ERIN, "erin", "Erin Evans", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(1700), TODAY, 0, NULL },
	{ U_FRANK, "frank", "Frank Fischer", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(1600), DAYS_AGO(3), 0, NULL },
	{ U_GRACE, "grace", "Grace Green", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(1500), DAYS_AGO(1), 0, NULL },
	{ U_HEIDI, "heidi", "Heidi Hall", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(1400), TODAY, 0, NULL },
	{ U_IVAN, "ivan", "Ivan Petrov", "ivan.petrov@acme.example", "active",
	  HUMAN, 0, 0, DAYS_AGO(1300), TODAY, 0, NULL },
	{ U_JUDY, "judy", "Judy Jones", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(1250), DAYS_AGO(2), 0, NULL },
	{ U_MALLORY, "mallory", "Mallory Moss", NULL, "blocked",
	  HUMAN, 0, 0, DAYS_AGO(1200), DAYS_AGO(45), 0, NULL },
	{ U_NIAJ, "niaj", "Niaj Nair", NULL, "ldap_blocked",
	  HUMAN, 0, 0, DAYS_AGO(1100), DAYS_AGO(120), 0, NULL },
	{ U_OLIVIA, "olivia", "Olivia Ortiz", NULL, "blocked_pending_approval",
	  HUMAN, 0, 0, DAYS_AGO(3), 0, 0, NULL },
	{ U_PEGGY, "peggy", "Peggy Park", NULL, "banned",
	  HUMAN, 0, 0, DAYS_AGO(900), DAYS_AGO(20), 0, NULL },
	{ U_RUPERT, "rupert", "Rupert Reed", NULL, "deactivated",
	  HUMAN, 0, 0, DAYS_AGO(1000), DAYS_AGO(95), 0, NULL },
	{ U_SYBIL, "sybil", "Sybil Stone", NULL, "deactivated",
	  HUMAN, 0, 0, DAYS_AGO(800), DAYS_AGO(100), 0, NULL },
	{ U_TRENT, "trent", "Trent Turner", "trent@contractor.example", "active",
	  HUMAN, 0, 0, DAYS_AGO(150), DAYS_AGO(5), 1, NULL },
	{ U_VICTOR, "victor", "Victor Vance", NULL, "active",
	  HUMAN, 0, 1, DAYS_AGO(30), DAYS_AGO(2), 0, NULL },
	{ U_WALTER, "walter", "Walter White", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(1500), TODAY, 0, NULL },
	{ U_XAVIER, "xavier", "Xavier Xu", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(1600), DAYS_AGO(200), 0, NULL },
	{ U_YOLANDA, "yolanda", "Yolanda Young", NULL, "blocked",
	  HUMAN, 0, 0, DAYS_AGO(1300), DAYS_AGO(50), 0, NULL },
	{ U_ZOE, "zoe", "Zoe Zimmer", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(700), TODAY, 0, NULL },
	{ U_AARON, "aaron", "Aaron Abbott", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(600), DAYS_AGO(1), 0,
	  "24-aaron@users.noreply." GITLAB_HOST },
	{ U_BELLA, "bella", "Bella Brown", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(550), DAYS_AGO(3), 0, NULL },
	{ U_CHEN, "chen", "Chen Wei", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(1000), TODAY, 0, NULL },
	{ U_DMITRI, "dmitri", "Dmitri Volkov", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(500), DAYS_AGO(7), 0, NULL },
	{ U_ESTHER, "esther", "Esther Eze", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(450), DAYS_AGO(10), 0, NULL },
	{ U_FATIMA, "fatima", "Fatima Farouk", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(400), TODAY, 0, NULL },
	{ U_GUSTAV, "gustav", "Gustav Gray", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(350), DAYS_AGO(2), 0, NULL },
	{ U_HIRO, "hiro", "Hiro Tanaka", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(300), TODAY, 0, NULL },
	{ U_INES, "ines", "Ines Ibarra", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(250), TODAY, 0, NULL },
	{ U_JAMAL, "jamal", "Jamal Jordan", NULL, "active",
	  HUMAN, 0, 0, DAYS_AGO(200), DAYS_AGO(4), 0, NULL },

	{ U_GHOST, "ghost", "Ghost User", "ghost@example.com", "active",
	  GHOST, 0, 0, DAYS_AGO(2200), 0, 0, NULL },
	{ U_SUPPORT_BOT, "support-bot", "GitLab Support Bot",
	  "support@" GITLAB_HOST, "active",
	  SUPPORT_BOT, 0, 0, DAYS_AGO(2000), 0, 0, NULL },
	{ U_ALERT_BOT, "alert-bot", "GitLab Alert Bot",
	  "alert@" GITLAB_HOST, "active",
	  ALERT_BOT, 0, 0, DAYS_AGO(1900), 0, 0, NULL },

	{ U_SERVICE_RELEASE, "service_account_e1ff330ffddfd75943f591ae5218cf2e",
	  "Release automation", NULL, "active",
	  SERVICE_ACCOUNT, 0, 0, DAYS_AGO(700), TODAY, 0, NULL },
	{ U_SERVICE_ACME,
	  "service_account_group_101_ca8dd3b6d4feb8b2a13f62712fbbc604",
	  "Acme directory sync", NULL, "active",
	  SERVICE_ACCOUNT, 0, 0, DAYS_AGO(400), TODAY, 0, NULL },
	{ U_SERVICE_WEB,
	  "service_account_group_104_0dbf951a0696b3ac706c0e251a355a6b",
	  "Web dashboard", NULL, "active",
	  SERVICE_ACCOUNT, 0, 0, DAYS_AGO(360), DAYS_AGO(60), 0, NULL },

	/* GitLab names a bot user after its token. */
	{ U_BOT_API_CI, "project_1_bot_eac0eeb973c586af2a3d86befe8e495b",
	  "api-ci", NULL, "active",
	  PROJECT_BOT, 0, 0, DAYS_AGO(360), TODAY, 0, NULL },
	{ U_BOT_API_RENOVATE, "project_1_bot_30183a4de64bea09cb8126e5a3a6b2b5",
	  "renovate", NULL, "active",
	  PROJECT_BOT, 0, 0, DAYS_AGO(265), TODAY, 0, NULL },
	{ U_BOT_TERRAFORM, "project_2_bot_3ab63cf71cc8bbad4e53f5fead872413",
	  "terraform-state", NULL, "active",
	  PROJECT_BOT, 0, 0, DAYS_AGO(900), TODAY, 0, NULL },
	/* Bot names from before GitLab added the random suffix. */
	{ U_BOT_SHOP_DEPLOY, "project_3_bot", "deploy", NULL, "active",
	  PROJECT_BOT, 0, 0, DAYS_AGO(395), DAYS_AGO(31), 0, NULL },
	{ U_BOT_SHOP_REGISTRY, "project_3_bot1", "registry-push", NULL, "active",
	  PROJECT_BOT, 0, 0, DAYS_AGO(340), DAYS_AGO(1), 0, NULL },
	{ U_BOT_BILLING, "project_5_bot_e14bf1b5544e19fee2bff71230c1e3f2",
	  "billing-export", NULL, "active",
	  PROJECT_BOT, 0, 0, DAYS_AGO(185), DAYS_AGO(150), 0, NULL },
	{ U_BOT_DOTFILES, "project_8_bot_86e80b1406df7d1ff6ea124f36cc2d05",
	  "sync", NULL, "active",
	  PROJECT_BOT, 0, 0, DAYS_AGO(355), 0, 0, NULL },
	{ U_BOT_ACME, "group_101_bot_0d77bf9157ed5aa867e1fd72584b2931",
	  "group-automation", NULL, "active",
	  PROJECT_BOT, 0, 0, DAYS_AGO(1000), TODAY, 0, NULL },
	{ U_BOT_PLATFORM, "group_102_bot_c31beb4ed1e90597963c0af897383a54",
	  "platform-ci", NULL, "active",
	  PROJECT_BOT, 0, 0, DAYS_AGO(363), TODAY, 0, NULL },
	{ U_BOT_OSS, "group_105_bot_2d173dbe8b4a670ebce2c400a218c141",
	  "oss-release", NULL, "active",
	  PROJECT_BOT, 0, 0, DAYS_AGO(265), DAYS_AGO(12), 0, NULL },
	{ U_BOT_ACME_READER, "group_101_bot_842a932fddbf57365de424e802c4ada5",
	  "group-reader", NULL, "active",
	  PROJECT_BOT, 0, 0, DAYS_AGO(565), DAYS_AGO(300), 0, NULL },
	{ U_BOT_OLD_SHOP, "project_6_bot_3d3d365e4e2bd2996c53f819d2a14f03",
	  "shop-deploy", NULL, "active",
	  PROJECT_BOT, 0, 0, DAYS_AGO(305), DAYS_AGO(40), 0, NULL },
};

/* A user's personal namespace has id USER_NAMESPACE_BASE + user id. */
#define USER_NAMESPACE_BASE 1000
/* A project's project namespace has id PROJECT_NAMESPACE_BASE + project id. */
#define PROJECT_NAMESPACE_BASE 200

struct group_spec {
	int64_t id;
	const char *name;
	const char *path;
	int64_t parent_id;      /* 0 for a top-level group */
};

static const struct group_spec groups[] = {
	{ 101, "Acme", "acme", 0 },
	{ 102, "Platform", "platform", 101 },
	{ 103, "Infrastructure", "infra", 102 },
	{ 104, "Web", "web", 101 },
	{ 105, "Open Source", "oss", 0 },
	{ 106, "Tools", "tools", 105 },
	{ 107, "Data", "data", 101 },
};

struct project_spec {
	int64_t id;
	const char *name;
	const char *path;
	int64_t namespace_id;
	int archived;
	int marked_for_deletion;   /* day, or 0 */
};

static const struct project_spec projects[] = {
	{ 1, "API", "api", 102, 0, 0 },
	{ 2, "Terraform", "terraform", 103, 0, 0 },
	{ 3, "Storefront", "storefront", 104, 0, 0 },
	{ 4, "Docs", "docs", 104, 0, 0 },
	{ 5, "Legacy Billing", "legacy-billing", 101, 1, 0 },
	{ 6, "Old Shop", "old-shop", 104, 0, DAYS_AGO(3) },
	{ 7, "ETL", "etl", 107, 0, 0 },
	{ 8, "dotfiles", "dotfiles", USER_NAMESPACE_BASE + U_ALICE, 0, 0 },
	{ 9, "Linter", "linter", 106, 0, 0 },
	{ 10, "Website", "website", 105, 0, 0 },
};

/* A bot's membership: source_id is a project id or a group id. */
struct bot_spec {
	int64_t user_id;
	const char *source_type;   /* "Project" or "Namespace" */
	int64_t source_id;
	int access_level;
};

static const struct bot_spec bots[] = {
	{ U_BOT_API_CI, "Project", 1, MAINTAINER },
	{ U_BOT_API_RENOVATE, "Project", 1, DEVELOPER },
	{ U_BOT_TERRAFORM, "Project", 2, MAINTAINER },
	{ U_BOT_SHOP_DEPLOY, "Project", 3, REPORTER },
	{ U_BOT_SHOP_REGISTRY, "Project", 3, DEVELOPER },
	{ U_BOT_BILLING, "Project", 5, REPORTER },
	{ U_BOT_DOTFILES, "Project", 8, REPORTER },
	{ U_BOT_ACME, "Namespace", 101, OWNER },
	{ U_BOT_PLATFORM, "Namespace", 102, MAINTAINER },
	{ U_BOT_OSS, "Namespace", 105, DEVELOPER },
	{ U_BOT_ACME_READER, "Namespace", 101, REPORTER },
	{ U_BOT_OLD_SHOP, "Project", 6, MAINTAINER },
};

struct member_spec {
	int64_t user_id;
	const char *source_type;
	int64_t source_id;
	int access_level;
	int expires;               /* day, or 0 */
};

static const struct member_spec human_members[] = {
	{ U_ROOT, "Namespace", 101, OWNER, 0 },
	{ U_ROOT, "Namespace", 105, OWNER, 0 },
	{ U_ALICE, "Namespace", 101, OWNER, 0 },
	{ U_ALICE, "Namespace", 105, OWNER, 0 },
	{ U_BOB, "Namespace", 102, MAINTAINER, 0 },
	{ U_CAROL, "Namespace", 102, DEVELOPER, 0 },
	{ U_DAVE, "Namespace", 103, MAINTAINER, 0 },
	{ U_ERIN, "Namespace", 104, DEVELOPER, 0 },
	{ U_FRANK, "Project", 3, DEVELOPER, 0 },
	{ U_GRACE, "Project", 1, REPORTER, IN_DAYS(30) },
	{ U_HEIDI, "Namespace", 107, MAINTAINER, 0 },
	{ U_IVAN, "Namespace", 107, DEVELOPER, 0 },
	{ U_JUDY, "Namespace", 104, DEVELOPER, 0 },
	{ U_MALLORY, "Namespace", 102, DEVELOPER, 0 },
	{ U_TRENT, "Project", 2, DEVELOPER, IN_DAYS(60) },
	{ U_VICTOR, "Project", 9, GUEST, 0 },
	{ U_WALTER, "Project", 10, MAINTAINER, 0 },
	{ U_ZOE, "Namespace", 106, DEVELOPER, 0 },
	{ U_SERVICE_RELEASE, "Project", 1, DEVELOPER, 0 },
	{ U_SERVICE_ACME, "Namespace", 101, MAINTAINER, 0 },
	{ U_SERVICE_WEB, "Namespace", 104, DEVELOPER, 0 },
};

/* Secondary addresses, the rows of the emails table. */
struct email_spec {
	int64_t user_id;
	const char *email;
	int confirmed;
};

static const struct email_spec secondary_emails[] = {
	{ U_BOB, "bob.baker@mail.example", 0 },
	{ U_CAROL, "carol@home.example", 1 },
	{ U_DAVE, "dave@oss.example", 1 },
	{ U_JUDY, "judy@personal.example", 0 },
	{ U_VICTOR, "victor.vance@mail.example", 0 },
	{ U_ZOE, "zoe.z@home.example", 1 },
};

/* --- Tokens ------------------------------------------------------------- */

#define SCOPES_API "---\n- api\n"
#define SCOPES_READ_API "---\n- read_api\n"
#define SCOPES_READ_REPOSITORY "---\n- read_repository\n"
#define SCOPES_NONE "--- []\n"

/*
 * One personal_access_tokens row. Days are relative to --now (see
 * DAY_BIAS). A field left out means NULL, never used or not revoked.
 */
struct token_spec {
	int64_t id;
	int64_t user_id;
	const char *name;
	const char *description;
	const char *scopes;         /* YAML as GitLab stores it */
	int expires;                /* day; 0 means the token never expires */
	const char *raw_expires_at; /* stored verbatim in place of `expires` */
	int created;
	int last_used;
	int revoked;                /* day of revocation */
	int impersonation;
	int64_t previous_id;
	int ip_count;               /* last-used IPs; 0 lets the seed pick 0-2,
				       -1 means none */
};

static const struct token_spec demo_tokens[] = {
	/* Expiry around --now. GitLab counts a token as expired from 00:00
	 * UTC on its expires_at date, so token 1 is already expired. */
	{ .id = 1, .user_id = U_ALICE, .name = "deploy-script",
	  .scopes = SCOPES_API, .expires = TODAY,
	  .created = DAYS_AGO(300), .last_used = DAYS_AGO(1) },
	{ .id = 2, .user_id = U_BOB, .name = "laptop-cli",
	  .scopes = SCOPES_READ_API, .expires = IN_DAYS(1),
	  .created = DAYS_AGO(364), .last_used = TODAY },
	{ .id = 3, .user_id = U_CAROL, .name = "renovate-local",
	  .scopes = "---\n- api\n- write_repository\n", .expires = IN_DAYS(7),
	  .created = DAYS_AGO(90), .last_used = DAYS_AGO(2) },
	{ .id = 4, .user_id = U_DAVE, .name = "ci-mirror",
	  .scopes = SCOPES_READ_REPOSITORY, .expires = IN_DAYS(29),
	  .created = DAYS_AGO(200), .last_used = DAYS_AGO(10) },
	{ .id = 5, .user_id = U_ERIN, .name = "grafana",
	  .scopes = SCOPES_READ_API, .expires = IN_DAYS(30),
	  .created = DAYS_AGO(335), .last_used = TODAY },
	{ .id = 6, .user_id = U_FRANK, .name = "metrics-export",
	  .scopes = SCOPES_READ_API, .expires = IN_DAYS(60),
	  .created = DAYS_AGO(305), .last_used = DAYS_AGO(3) },
	{ .id = 7, .user_id = U_GRACE, .name = "backup",
	  .scopes = SCOPES_API, .expires = DAYS_AGO(1),
	  .created = DAYS_AGO(365), .last_used = DAYS_AGO(2) },
	{ .id = 8, .user_id = U_HEIDI, .name = "old-script",
	  .scopes = SCOPES_API, .expires = DAYS_AGO(120),
	  .created = DAYS_AGO(485), .last_used = DAYS_AGO(130) },

	/* No expiry. */
	{ .id = 9, .user_id = U_IVAN, .name = "forever",
	  .scopes = SCOPES_API,
	  .created = DAYS_AGO(800), .last_used = TODAY },
	{ .id = 10, .user_id = U_JUDY, .name = "ide",
	  .scopes = "---\n- read_api\n- read_repository\n",
	  .created = DAYS_AGO(1200) },

	/* Admin-only scopes, on an administrator and on others. */
	{ .id = 11, .user_id = U_ROOT, .name = "admin-automation",
	  .description = "Nightly user cleanup",
	  .scopes = "---\n- api\n- sudo\n- admin_mode\n",
	  .created = DAYS_AGO(1500), .last_used = TODAY },
	{ .id = 12, .user_id = U_BOB, .name = "sudo-attempt",
	  .scopes = "---\n- api\n- sudo\n", .expires = IN_DAYS(200),
	  .created = DAYS_AGO(20) },
	{ .id = 13, .user_id = U_TRENT, .name = "contractor",
	  .scopes = "---\n- admin_mode\n- read_service_ping\n",
	  .expires = IN_DAYS(90),
	  .created = DAYS_AGO(10), .last_used = DAYS_AGO(5) },
	{ .id = 14, .user_id = U_ALICE, .name = "admin-console",
	  .scopes = "---\n- admin_mode\n- api\n", .expires = IN_DAYS(30),
	  .created = DAYS_AGO(30), .last_used = TODAY },

	/* Use. */
	{ .id = 15, .user_id = U_WALTER, .name = "never-used",
	  .scopes = "---\n- read_user\n", .expires = IN_DAYS(100),
	  .created = DAYS_AGO(200) },
	{ .id = 16, .user_id = U_XAVIER, .name = "stale",
	  .scopes = SCOPES_API, .expires = IN_DAYS(150),
	  .created = DAYS_AGO(215), .last_used = DAYS_AGO(205) },
	{ .id = 17, .user_id = U_ZOE, .name = "recent",
	  .scopes = SCOPES_API, .expires = IN_DAYS(300),
	  .created = DAYS_AGO(65), .last_used = TODAY },
	{ .id = 18, .user_id = U_AARON, .name = "registry-pull",
	  .scopes = "---\n- read_registry\n", .expires = IN_DAYS(40),
	  .created = DAYS_AGO(325), .last_used = DAYS_AGO(240) },

	/* Revoked tokens, whose updated_at is the revocation time. Revoked
	 * wins over expired in tokens 21 and 22. */
	{ .id = 19, .user_id = U_BELLA, .name = "leaked-in-ci-log",
	  .description = "Printed in a public job log, then revoked",
	  .scopes = SCOPES_API, .expires = IN_DAYS(200),
	  .created = DAYS_AGO(165), .last_used = DAYS_AGO(30),
	  .revoked = DAYS_AGO(29), .ip_count = 4 },
	{ .id = 20, .user_id = U_CHEN, .name = "old-laptop",
	  .scopes = SCOPES_API,
	  .created = DAYS_AGO(700), .last_used = DAYS_AGO(400),
	  .revoked = DAYS_AGO(365) },
	{ .id = 21, .user_id = U_DMITRI, .name = "revoked-then-expired",
	  .scopes = SCOPES_READ_API, .expires = DAYS_AGO(10),
	  .created = DAYS_AGO(300), .last_used = DAYS_AGO(50),
	  .revoked = DAYS_AGO(40) },
	{ .id = 22, .user_id = U_ESTHER, .name = "expired-then-revoked",
	  .scopes = SCOPES_API, .expires = DAYS_AGO(100),
	  .created = DAYS_AGO(400), .last_used = DAYS_AGO(120),
	  .revoked = DAYS_AGO(5) },

	/* A rotation chain: rotating revokes the old token. */
	{ .id = 23, .user_id = U_FATIMA, .name = "ci-token",
	  .scopes = SCOPES_API, .expires = IN_DAYS(65),
	  .created = DAYS_AGO(300), .last_used = DAYS_AGO(200),
	  .revoked = DAYS_AGO(200) },
	{ .id = 24, .user_id = U_FATIMA, .name = "ci-token",
	  .scopes = SCOPES_API, .expires = IN_DAYS(165),
	  .created = DAYS_AGO(200), .last_used = DAYS_AGO(100),
	  .revoked = DAYS_AGO(100), .previous_id = 23 },
	{ .id = 25, .user_id = U_FATIMA, .name = "ci-token",
	  .scopes = SCOPES_API, .expires = IN_DAYS(265),
	  .created = DAYS_AGO(100), .last_used = TODAY, .previous_id = 24 },
	/* A rotated project access token keeps its bot user. */
	{ .id = 26, .user_id = U_BOT_API_CI, .name = "api-ci",
	  .scopes = SCOPES_API, .expires = IN_DAYS(5),
	  .created = DAYS_AGO(360), .last_used = DAYS_AGO(30),
	  .revoked = DAYS_AGO(30) },
	{ .id = 27, .user_id = U_BOT_API_CI, .name = "api-ci",
	  .scopes = "---\n- api\n- self_rotate\n", .expires = IN_DAYS(335),
	  .created = DAYS_AGO(30), .last_used = TODAY, .previous_id = 26 },

	/* Impersonation tokens, which an administrator creates for a user. */
	{ .id = 28, .user_id = U_CAROL, .name = "support-session",
	  .scopes = SCOPES_API, .expires = IN_DAYS(3), .impersonation = 1,
	  .created = DAYS_AGO(4), .last_used = DAYS_AGO(3) },
	{ .id = 29, .user_id = U_HEIDI, .name = "debug",
	  .scopes = SCOPES_API, .expires = IN_DAYS(20), .impersonation = 1,
	  .created = DAYS_AGO(100), .last_used = DAYS_AGO(99),
	  .revoked = DAYS_AGO(95) },
	{ .id = 30, .user_id = U_MALLORY, .name = "investigation",
	  .scopes = SCOPES_READ_API, .expires = IN_DAYS(10),
	  .impersonation = 1, .created = DAYS_AGO(5) },

	/* Active tokens of users who are not active. */
	{ .id = 31, .user_id = U_MALLORY, .name = "exfil",
	  .scopes = "---\n- api\n- write_repository\n", .expires = IN_DAYS(300),
	  .created = DAYS_AGO(60), .last_used = DAYS_AGO(46), .ip_count = 5 },
	{ .id = 32, .user_id = U_NIAJ, .name = "sync",
	  .scopes = SCOPES_READ_API,
	  .created = DAYS_AGO(900), .last_used = DAYS_AGO(121) },
	{ .id = 33, .user_id = U_OLIVIA, .name = "first-token",
	  .scopes = "---\n- read_user\n", .expires = IN_DAYS(30),
	  .created = DAYS_AGO(3) },
	{ .id = 34, .user_id = U_PEGGY, .name = "scraper",
	  .scopes = SCOPES_API, .expires = IN_DAYS(120),
	  .created = DAYS_AGO(100), .last_used = DAYS_AGO(21) },
	{ .id = 35, .user_id = U_RUPERT, .name = "cli",
	  .scopes = SCOPES_API,
	  .created = DAYS_AGO(600), .last_used = DAYS_AGO(96) },
	{ .id = 36, .user_id = U_SYBIL, .name = "report",
	  .scopes = SCOPES_READ_API, .expires = IN_DAYS(10),
	  .created = DAYS_AGO(200), .last_used = DAYS_AGO(101) },
	{ .id = 37, .user_id = U_YOLANDA, .name = "ops",
	  .scopes = SCOPES_API, .expires = DAYS_AGO(5),
	  .created = DAYS_AGO(200), .last_used = DAYS_AGO(50) },

	/* Lifetimes of more than 365 days. */
	{ .id = 38, .user_id = U_GUSTAV, .name = "long-lived",
	  .scopes = SCOPES_API, .expires = IN_DAYS(400),
	  .created = DAYS_AGO(100), .last_used = DAYS_AGO(2) },
	{ .id = 39, .user_id = U_HIRO, .name = "two-years",
	  .scopes = SCOPES_READ_REPOSITORY, .expires = IN_DAYS(700),
	  .created = DAYS_AGO(30), .last_used = TODAY },

	/* Scope lists written with Ruby symbols, mixed, and empty. */
	{ .id = 40, .user_id = U_INES, .name = "symbols",
	  .scopes = "---\n- :api\n- :read_user\n", .expires = IN_DAYS(90),
	  .created = DAYS_AGO(20), .last_used = DAYS_AGO(1) },
	{ .id = 41, .user_id = U_JAMAL, .name = "empty-scopes",
	  .scopes = SCOPES_NONE, .expires = IN_DAYS(50),
	  .created = DAYS_AGO(10) },
	{ .id = 42, .user_id = U_VICTOR, .name = "mixed-forms",
	  .scopes = "---\n- :read_api\n- read_repository\n",
	  .expires = IN_DAYS(20),
	  .created = DAYS_AGO(15), .last_used = DAYS_AGO(2) },

	/* A date that no exporter writes: a spreadsheet's round trip. */
	{ .id = 43, .user_id = U_DAVE, .name = "spreadsheet-import",
	  .scopes = SCOPES_READ_API, .raw_expires_at = "12/31/2026",
	  .created = DAYS_AGO(50), .last_used = DAYS_AGO(5) },

	/* Service accounts. */
	{ .id = 44, .user_id = U_SERVICE_RELEASE, .name = "release-bot",
	  .scopes = "---\n- api\n- write_repository\n",
	  .created = DAYS_AGO(700), .last_used = TODAY },
	{ .id = 45, .user_id = U_SERVICE_ACME, .name = "directory-sync",
	  .scopes = SCOPES_API, .expires = IN_DAYS(365),
	  .created = TODAY, .last_used = TODAY },
	{ .id = 46, .user_id = U_SERVICE_WEB, .name = "dashboard",
	  .scopes = SCOPES_READ_API, .expires = IN_DAYS(15),
	  .created = DAYS_AGO(350), .last_used = DAYS_AGO(60) },

	/* Project access tokens (tokens 26 and 27 above too). */
	{ .id = 47, .user_id = U_BOT_API_RENOVATE, .name = "renovate",
	  .scopes = "---\n- api\n- write_repository\n",
	  .expires = IN_DAYS(100),
	  .created = DAYS_AGO(265), .last_used = TODAY },
	{ .id = 48, .user_id = U_BOT_TERRAFORM, .name = "terraform-state",
	  .scopes = SCOPES_API,
	  .created = DAYS_AGO(900), .last_used = TODAY },
	{ .id = 49, .user_id = U_BOT_SHOP_DEPLOY, .name = "deploy",
	  .scopes = "---\n- read_registry\n", .expires = DAYS_AGO(30),
	  .created = DAYS_AGO(395), .last_used = DAYS_AGO(31) },
	{ .id = 50, .user_id = U_BOT_SHOP_REGISTRY, .name = "registry-push",
	  .scopes = "---\n- read_registry\n- write_registry\n",
	  .expires = IN_DAYS(25),
	  .created = DAYS_AGO(340), .last_used = DAYS_AGO(1) },
	{ .id = 51, .user_id = U_BOT_BILLING, .name = "billing-export",
	  .description = "Monthly invoice export. The project is archived.",
	  .scopes = SCOPES_READ_API, .expires = IN_DAYS(180),
	  .created = DAYS_AGO(185), .last_used = DAYS_AGO(150) },
	{ .id = 52, .user_id = U_BOT_DOTFILES, .name = "sync",
	  .scopes = SCOPES_READ_REPOSITORY, .expires = IN_DAYS(10),
	  .created = DAYS_AGO(355) },
	{ .id = 53, .user_id = U_BOT_OLD_SHOP, .name = "shop-deploy",
	  .scopes = SCOPES_API, .expires = IN_DAYS(60),
	  .created = DAYS_AGO(305), .last_used = DAYS_AGO(40) },

	/* Group access tokens. */
	{ .id = 54, .user_id = U_BOT_ACME, .name = "group-automation",
	  .scopes = SCOPES_API,
	  .created = DAYS_AGO(1000), .last_used = TODAY },
	{ .id = 55, .user_id = U_BOT_PLATFORM, .name = "platform-ci",
	  .scopes = "---\n- read_api\n- read_repository\n",
	  .expires = IN_DAYS(2),
	  .created = DAYS_AGO(363), .last_used = TODAY },
	{ .id = 56, .user_id = U_BOT_OSS, .name = "oss-release",
	  .scopes = SCOPES_API, .expires = IN_DAYS(100),
	  .created = DAYS_AGO(265), .last_used = DAYS_AGO(12),
	  .revoked = DAYS_AGO(10) },
	{ .id = 57, .user_id = U_BOT_ACME_READER, .name = "group-reader",
	  .scopes = SCOPES_READ_API, .expires = DAYS_AGO(200),
	  .created = DAYS_AGO(565), .last_used = DAYS_AGO(300) },
};

/*
 * Tokens 58 to 77 share one expiry date, like the tokens that GitLab 16.0
 * gave an expiry one year after the upgrade.
 */
#define CLUSTER_FIRST_ID 58
#define CLUSTER_SIZE 20
#define CLUSTER_EXPIRES IN_DAYS(45)

static const int64_t cluster_owners[] = {
	U_ROOT, U_ALICE, U_BOB, U_CAROL, U_DAVE, U_ERIN, U_FRANK, U_GRACE,
	U_HEIDI, U_IVAN, U_JUDY, U_WALTER, U_CHEN, U_SERVICE_RELEASE,
};

/* Owners, names and scopes of the tokens made from the seed. */
static const int64_t filler_owners[] = {
	U_ROOT, U_ALICE, U_BOB, U_CAROL, U_DAVE, U_ERIN, U_FRANK, U_GRACE,
	U_HEIDI, U_IVAN, U_JUDY, U_TRENT, U_WALTER, U_ZOE, U_AARON, U_BELLA,
	U_CHEN, U_DMITRI, U_ESTHER, U_FATIMA, U_GUSTAV, U_HIRO, U_INES,
	U_JAMAL, U_SERVICE_RELEASE, U_SERVICE_ACME,
};

static const char *const filler_names[] = {
	"ci", "cli", "laptop", "scripts", "backup", "grafana", "renovate",
	"terraform", "k8s-agent", "release", "ide", "jira-sync", "metrics",
	"mirror", "pipeline-trigger", "docs-build",
};

static const char *const filler_scopes[] = {
	SCOPES_API,
	SCOPES_READ_API,
	SCOPES_READ_REPOSITORY,
	"---\n- read_api\n- read_repository\n",
	"---\n- :api\n",
	"---\n- read_registry\n- write_registry\n",
	"---\n- read_user\n",
	"---\n- api\n- read_user\n",
	"---\n- :read_api\n- :read_user\n",
	"---\n- k8s_proxy\n",
	"---\n- create_runner\n- manage_runner\n",
	"---\n- ai_features\n",
};

/* Addresses from the documentation ranges of RFC 5737 and RFC 3849. */
static const char *const client_addresses[] = {
	"192.0.2.10", "192.0.2.44", "198.51.100.7", "198.51.100.23",
	"203.0.113.5", "203.0.113.99", "2001:db8::1", "2001:db8:1::25",
	"2001:db8:abcd::7",
};

/* --- SSH and GPG keys --------------------------------------------------- */

enum fingerprint_columns {
	FP_COMPUTED,     /* both columns from the key blob */
	FP_NO_MD5,       /* fingerprint NULL, as GitLab stores under FIPS */
	FP_MISMATCH,     /* both columns from a different blob */
	FP_NONE,         /* both NULL: the key could not be read */
};

/* One keys row: a fixture file, or a literal key line. */
struct key_spec {
	int64_t id;
	const char *fixture;        /* file under fixtures/ssh */
	const char *text;           /* key line when there is no fixture */
	int64_t user_id;
	const char *type;           /* NULL, "Key", "DeployKey" or "LDAPKey" */
	const char *title;
	int created;
	int last_used;
	int expires;
	int usage_type;             /* 0 auth_and_signing, 1 auth, 2 signing */
	enum fingerprint_columns fingerprints;
};

/* Not valid base64: '!', '*' and '#' are outside its alphabet. */
#define MALFORMED_KEY_LINE \
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI!!bad*base64#data bella@tablet"

static const struct key_spec demo_keys[] = {
	{ .id = 1, .fixture = "root-workstation-rsa4096.pub", .user_id = U_ROOT,
	  .title = "workstation",
	  .created = DAYS_AGO(1200), .last_used = TODAY },
	{ .id = 2, .fixture = "alice-laptop-ed25519.pub", .user_id = U_ALICE,
	  .title = "laptop", .created = DAYS_AGO(600), .last_used = TODAY },
	{ .id = 3, .fixture = "alice-yubikey-sk-ed25519.pub",
	  .user_id = U_ALICE, .title = "YubiKey 5", .usage_type = 1,
	  .created = DAYS_AGO(300), .last_used = DAYS_AGO(2) },
	{ .id = 4, .fixture = "bob-laptop-rsa2048.pub", .user_id = U_BOB,
	  .title = "Laptop", .expires = IN_DAYS(200),
	  .created = DAYS_AGO(700), .last_used = DAYS_AGO(1) },
	{ .id = 5, .fixture = "bob-desktop-dsa1024.pub", .user_id = U_BOB,
	  .title = "old desktop",
	  .created = DAYS_AGO(2000), .last_used = DAYS_AGO(800) },
	{ .id = 6, .fixture = "carol-laptop-ecdsa256.pub", .user_id = U_CAROL,
	  .title = "laptop", .usage_type = 1,
	  .created = DAYS_AGO(500), .last_used = TODAY },
	{ .id = 7, .fixture = "carol-desktop-ed25519.pub", .user_id = U_CAROL,
	  .title = "desktop", .fingerprints = FP_MISMATCH,
	  .created = DAYS_AGO(400), .last_used = DAYS_AGO(3) },
	{ .id = 8, .fixture = "dave-laptop-rsa1024.pub", .user_id = U_DAVE,
	  .title = "laptop",
	  .created = DAYS_AGO(1500), .last_used = DAYS_AGO(10) },
	{ .id = 9, .fixture = "dave-solokey-sk-ecdsa256.pub", .user_id = U_DAVE,
	  .title = "SoloKey",
	  .created = DAYS_AGO(200), .last_used = DAYS_AGO(1) },
	{ .id = 10, .fixture = "erin-laptop-ecdsa384.pub", .user_id = U_ERIN,
	  .title = "laptop", .expires = DAYS_AGO(30),
	  .created = DAYS_AGO(400), .last_used = DAYS_AGO(31) },
	{ .id = 11, .fixture = "frank-laptop-ed25519.pub", .user_id = U_FRANK,
	  .title = "laptop", .usage_type = 1, .expires = IN_DAYS(365),
	  .created = DAYS_AGO(300) },
	{ .id = 12, .fixture = "grace-laptop-rsa3072.pub", .user_id = U_GRACE,
	  .title = "laptop", .expires = IN_DAYS(1),
	  .created = DAYS_AGO(250), .last_used = DAYS_AGO(2) },
	{ .id = 13, .fixture = "heidi-laptop-ecdsa521.pub", .user_id = U_HEIDI,
	  .title = "commit signing", .usage_type = 2,
	  .created = DAYS_AGO(350), .last_used = TODAY },
	{ .id = 14, .fixture = "ivan-laptop-ed25519.pub", .user_id = U_IVAN,
	  .type = "Key", .title = "laptop", .expires = IN_DAYS(30),
	  .created = DAYS_AGO(100), .last_used = DAYS_AGO(1) },
	{ .id = 15, .fixture = "judy-laptop-rsa4096.pub", .user_id = U_JUDY,
	  .title = "laptop",
	  .created = DAYS_AGO(800), .last_used = DAYS_AGO(400) },
	{ .id = 16, .fixture = "mallory-laptop-rsa2048.pub",
	  .user_id = U_MALLORY, .title = "laptop",
	  .created = DAYS_AGO(600), .last_used = DAYS_AGO(45) },
	{ .id = 17, .fixture = "niaj-ldap-rsa2048.pub", .user_id = U_NIAJ,
	  .type = "LDAPKey", .title = "LDAP",
	  .created = DAYS_AGO(1000), .last_used = DAYS_AGO(150) },
	{ .id = 18, .fixture = "peggy-laptop-ed25519.pub", .user_id = U_PEGGY,
	  .title = "laptop",
	  .created = DAYS_AGO(400), .last_used = DAYS_AGO(20) },
	{ .id = 19, .fixture = "rupert-laptop-rsa1024.pub", .user_id = U_RUPERT,
	  .title = "laptop",
	  .created = DAYS_AGO(1000), .last_used = DAYS_AGO(95) },
	{ .id = 20, .fixture = "trent-laptop-ecdsa256.pub", .user_id = U_TRENT,
	  .title = "contractor laptop", .expires = IN_DAYS(60),
	  .created = DAYS_AGO(150), .last_used = DAYS_AGO(5) },
	/* Expires at 00:00 UTC on the day of --now, hours before it. */
	{ .id = 21, .fixture = "victor-laptop-ed25519.pub", .user_id = U_VICTOR,
	  .title = "laptop", .expires = TODAY,
	  .created = DAYS_AGO(30), .last_used = DAYS_AGO(2) },
	{ .id = 22, .fixture = "walter-buildhost-rsa2048.pub",
	  .user_id = U_WALTER, .title = "build host", .usage_type = 2,
	  .created = DAYS_AGO(900), .last_used = TODAY },
	{ .id = 23, .fixture = "xavier-desktop-dsa1024.pub", .user_id = U_XAVIER,
	  .title = "desktop",
	  .created = DAYS_AGO(1600), .last_used = DAYS_AGO(210) },
	{ .id = 24, .fixture = "zoe-laptop-ed25519.pub", .user_id = U_ZOE,
	  .type = "Key", .title = "laptop",
	  .created = DAYS_AGO(300), .last_used = TODAY },
	{ .id = 25, .fixture = "zoe-yubikey-sk-ecdsa256.pub", .user_id = U_ZOE,
	  .title = "YubiKey", .usage_type = 1,
	  .created = DAYS_AGO(200), .last_used = DAYS_AGO(4) },
	{ .id = 26, .fixture = "aaron-laptop-rsa3072.pub", .user_id = U_AARON,
	  .type = "Key", .title = "laptop", .expires = IN_DAYS(400),
	  .created = DAYS_AGO(500), .last_used = DAYS_AGO(1) },
	{ .id = 27, .fixture = "bella-laptop-ecdsa384.pub", .user_id = U_BELLA,
	  .title = "laptop",
	  .created = DAYS_AGO(450), .last_used = DAYS_AGO(3) },
	{ .id = 28, .fixture = "chen-laptop-ed25519.pub", .user_id = U_CHEN,
	  .title = "laptop",
	  .created = DAYS_AGO(700), .last_used = TODAY },
	{ .id = 29, .fixture = "dmitri-laptop-rsa2048.pub", .user_id = U_DMITRI,
	  .title = "laptop", .expires = DAYS_AGO(200),
	  .created = DAYS_AGO(480), .last_used = DAYS_AGO(201) },
	{ .id = 30, .fixture = "esther-laptop-ecdsa521.pub", .user_id = U_ESTHER,
	  .title = "laptop", .created = DAYS_AGO(400) },
	{ .id = 31, .fixture = "fatima-yubikey-sk-ed25519.pub",
	  .user_id = U_FATIMA, .title = "YubiKey", .usage_type = 1,
	  .created = DAYS_AGO(350), .last_used = TODAY },
	{ .id = 32, .fixture = "gustav-laptop-rsa4096.pub", .user_id = U_GUSTAV,
	  .title = "laptop",
	  .created = DAYS_AGO(300), .last_used = DAYS_AGO(2) },
	{ .id = 33, .fixture = "hiro-laptop-ed25519.pub", .user_id = U_HIRO,
	  .title = "laptop", .fingerprints = FP_NO_MD5,
	  .created = DAYS_AGO(250), .last_used = DAYS_AGO(1) },
	{ .id = 34, .fixture = "ines-laptop-ecdsa256.pub", .user_id = U_INES,
	  .title = "laptop",
	  .created = DAYS_AGO(200), .last_used = TODAY },
	{ .id = 35, .fixture = "jamal-laptop-rsa3072.pub", .user_id = U_JAMAL,
	  .title = "laptop", .expires = IN_DAYS(10),
	  .created = DAYS_AGO(180), .last_used = DAYS_AGO(4) },
	{ .id = 36, .text = MALFORMED_KEY_LINE, .user_id = U_BELLA,
	  .title = "tablet", .fingerprints = FP_NONE,
	  .created = DAYS_AGO(100) },

	/* Deploy keys. Their user_id is the user who added the key. */
	{ .id = 37, .fixture = "deploy-api-ci-ed25519.pub", .user_id = U_BOB,
	  .type = "DeployKey", .title = "api CI",
	  .created = DAYS_AGO(400), .last_used = TODAY },
	{ .id = 38, .fixture = "deploy-terraform-rsa2048.pub", .user_id = U_DAVE,
	  .type = "DeployKey", .title = "terraform runner",
	  .expires = IN_DAYS(90),
	  .created = DAYS_AGO(600), .last_used = DAYS_AGO(1) },
	{ .id = 39, .fixture = "deploy-backup-rsa1024.pub", .user_id = U_MALLORY,
	  .type = "DeployKey", .title = "NAS backup",
	  .created = DAYS_AGO(1100), .last_used = DAYS_AGO(1) },
	{ .id = 40, .fixture = "deploy-legacy-dsa1024.pub", .user_id = U_ERIN,
	  .type = "DeployKey", .title = "legacy build",
	  .created = DAYS_AGO(1650), .last_used = DAYS_AGO(600) },
	{ .id = 41, .fixture = "deploy-docs-ecdsa256.pub", .user_id = U_JUDY,
	  .type = "DeployKey", .title = "docs publisher",
	  .expires = DAYS_AGO(15),
	  .created = DAYS_AGO(300), .last_used = DAYS_AGO(16) },
	{ .id = 42, .fixture = "deploy-mirror-ed25519.pub", .user_id = U_WALTER,
	  .type = "DeployKey", .title = "GitHub mirror",
	  .created = DAYS_AGO(150) },
};

/*
 * One gpg_keys row. created is the upload day. The key's own creation,
 * expiry and revocation dates are fixed in the fixture (see
 * make-fixtures.sh), and each upload day falls after them at the default
 * --now, since GitLab keeps the armor as it was uploaded.
 */
struct gpg_spec {
	int64_t id;
	const char *fixture;        /* file under fixtures/gpg */
	int64_t user_id;
	int created;
};

static const struct gpg_spec demo_gpg_keys[] = {
	{ 1, "bob-rsa2048.asc", U_BOB, DAYS_AGO(600) },
	{ 2, "carol-rsa3072.asc", U_CAROL, DAYS_AGO(500) },
	{ 3, "dave-ed25519.asc", U_DAVE, DAYS_AGO(400) },
	{ 4, "erin-dsa2048-elg.asc", U_ERIN, DAYS_AGO(550) },
	{ 5, "frank-expired.asc", U_FRANK, DAYS_AGO(1300) },
	{ 6, "grace-revoked.asc", U_GRACE, DAYS_AGO(100) },
	{ 7, "heidi-revoked-uid.asc", U_HEIDI, DAYS_AGO(250) },
	{ 8, "ivan-mixed-case.asc", U_IVAN, DAYS_AGO(300) },
	{ 9, "judy-unconfirmed.asc", U_JUDY, DAYS_AGO(350) },
	{ 10, "walter-no-email.asc", U_WALTER, DAYS_AGO(450) },
	{ 11, "zoe-expired-subkey.asc", U_ZOE, DAYS_AGO(500) },
	{ 12, "aaron-noreply.asc", U_AARON, DAYS_AGO(400) },
};

/* --- Helpers ------------------------------------------------------------ */

static void report_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void report_error(const char *fmt, ...)
{
	va_list ap;

	fputs("gensample: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p) {
		report_error("out of memory allocating %zu bytes", size);
		exit(EXIT_FAILED);
	}
	return p;
}

static char *xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		report_error("out of memory formatting a string");
		exit(EXIT_FAILED);
	}
	return s;
}

/* Read a whole file into a NUL-terminated buffer that the caller frees. */
static char *read_file(const char *path, size_t *len_out)
{
	FILE *f;
	char *data = NULL;
	size_t len = 0, cap = 0, n;

	f = fopen(path, "rb");
	if (!f) {
		report_error("cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (cap - len < 4096) {
			char *grown;

			cap = cap ? 2 * cap : 8192;
			grown = realloc(data, cap + 1);
			if (!grown) {
				report_error("out of memory reading '%s'", path);
				free(data);
				fclose(f);
				return NULL;
			}
			data = grown;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		report_error("cannot read '%s': %s", path, strerror(errno));
		free(data);
		fclose(f);
		return NULL;
	}
	fclose(f);
	data[len] = '\0';
	if (len_out)
		*len_out = len;
	return data;
}

/* Remove trailing whitespace in place, as GitLab strips a pasted key. */
static void strip_trailing_space(char *s)
{
	size_t len = strlen(s);

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
			   s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
}

static int base64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decode standard base64 with optional '=' padding into `out`, which has
 * room for 3 * len / 4 bytes. Returns the decoded length, or -1 when the
 * text is not base64.
 */
static long base64_decode(const char *text, size_t len, unsigned char *out)
{
	uint32_t acc = 0;
	size_t i, n = 0;
	int bits = 0;

	while (len > 0 && text[len - 1] == '=')
		len--;
	for (i = 0; i < len; i++) {
		int v = base64_value((unsigned char)text[i]);

		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)n;
}

/* Encode as base64 without padding, the form of OpenSSH's SHA256: text. */
static void base64_encode_unpadded(const unsigned char *data, size_t len,
				   char *out)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	size_t i;
	int bits = 0;

	for (i = 0; i < len; i++) {
		acc = acc << 8 | data[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			*out++ = alphabet[(acc >> bits) & 63];
		}
	}
	if (bits > 0)
		*out++ = alphabet[(acc << (6 - bits)) & 63];
	*out = '\0';
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode exactly `size` bytes of hex. Returns 0, or -1 on bad input. */
static int hex_decode(const char *hex, unsigned char *out, size_t size)
{
	size_t i;

	if (strlen(hex) != 2 * size)
		return -1;
	for (i = 0; i < size; i++) {
		int high = hex_value((unsigned char)hex[2 * i]);
		int low = hex_value((unsigned char)hex[2 * i + 1]);

		if (high < 0 || low < 0)
			return -1;
		out[i] = (unsigned char)(high << 4 | low);
	}
	return 0;
}

/* --- Dates -------------------------------------------------------------- */

/* Text forms of a timestamp that exporters write. A row's id picks one. */
enum ts_style {
	TS_POSTGRES,     /* "2026-12-04 11:15:02.123456", "+00" when zoned */
	TS_ISO,          /* "2026-12-04T11:15:02.123Z", as Rails writes JSON */
	TS_POSTGRES_TZ,  /* "2026-12-04 11:15:02.123456+00" in every column */
	TS_STYLE_COUNT
};

static enum ts_style style_for_id(int64_t id)
{
	return (enum ts_style)(id % TS_STYLE_COUNT);
}

/*
 * Parse --now: "YYYY-MM-DDTHH:MM:SSZ". Returns 0 and sets `*out` to
 * seconds since the epoch, or -1.
 */
static int parse_now(const char *text, int64_t *out)
{
	struct tm tm = { 0 };
	int year, month, day, hour, minute, second, used = 0;

	if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &year, &month, &day,
		   &hour, &minute, &second, &used) != 6 ||
	    used == 0 || text[used] != '\0')
		return -1;
	if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 ||
	    hour > 23 || minute > 59 || second > 59)
		return -1;
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	*out = (int64_t)timegm(&tm);
	/* timegm() normalizes 2026-02-31 to March, so such dates fail here. */
	if (tm.tm_mday != day || tm.tm_mon != month - 1)
		return -1;
	return 0;
}

static void split_time(int64_t sec, struct tm *tm)
{
	time_t t = (time_t)sec;

	gmtime_r(&t, tm);
}

/* Format as "2026-12-04T12:00:00Z", the form of --now. */
static void format_iso_seconds(int64_t sec, char *out)
{
	struct tm tm;

	split_time(sec, &tm);
	snprintf(out, TS_MAX, "%04d-%02d-%02dT%02d:%02d:%02dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void format_date(int64_t sec, char *out)
{
	struct tm tm;

	split_time(sec, &tm);
	snprintf(out, TS_MAX, "%04d-%02d-%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday);
}

/*
 * Format a timestamp in `style`. `zoned` marks a timestamptz column,
 * which PostgreSQL's text form writes with "+00". PostgreSQL drops the
 * trailing zeros of the fraction, and the fraction when it is zero.
 */
static void format_timestamp(int64_t sec, long micros, enum ts_style style,
			     int zoned, char *out)
{
	struct tm tm;
	char fraction[24] = "";
	size_t len;

	split_time(sec, &tm);
	if (style == TS_ISO) {
		snprintf(out, TS_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, micros / 1000);
		return;
	}
	if (micros > 0) {
		snprintf(fraction, sizeof(fraction), ".%06ld", micros);
		len = strlen(fraction);
		while (fraction[len - 1] == '0')
			fraction[--len] = '\0';
	}
	snprintf(out, TS_MAX, "%04d-%02d-%02d %02d:%02d:%02d%s%s",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, fraction,
		 zoned || style == TS_POSTGRES_TZ ? "+00" : "");
}

/* --- Manifests ---------------------------------------------------------- */

#define MANIFEST_FIELDS_MAX 8

struct manifest_row {
	const char *field[MANIFEST_FIELDS_MAX];
	size_t count;
};

/* A tab-separated manifest. Its rows point into `text`. */
struct manifest {
	char *path;
	char *text;
	struct manifest_row *rows;
	size_t count;
};

static void manifest_release(struct manifest *m)
{
	free(m->path);
	free(m->text);
	free(m->rows);
	memset(m, 0, sizeof(*m));
}

/*
 * Load a manifest whose rows have `fields` tab-separated fields. Lines
 * that start with '#' are comments. Returns 0, or -1 after reporting.
 */
static int manifest_load(struct manifest *m, const char *path, size_t fields)
{
	char *line, *next;
	size_t lines = 0;

	memset(m, 0, sizeof(*m));
	m->path = xasprintf("%s", path);
	m->text = read_file(path, NULL);
	if (!m->text)
		return -1;
	for (line = m->text; *line; line++)
		lines += *line == '\n';
	m->rows = xmalloc((lines + 1) * sizeof(*m->rows));

	for (line = m->text; line && *line; line = next) {
		struct manifest_row *row;
		char *field;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		row = &m->rows[m->count++];
		row->count = 0;
		for (field = line; field; ) {
			char *tab = strchr(field, '\t');

			if (tab)
				*tab++ = '\0';
			if (row->count == MANIFEST_FIELDS_MAX)
				break;
			row->field[row->count++] = field;
			field = tab;
		}
		if (row->count != fields) {
			report_error("%s: line for '%s' has %zu fields, expected %zu; rerun samples/make-fixtures.sh",
				     path, row->field[0], row->count, fields);
			return -1;
		}
	}
	return 0;
}

static const struct manifest_row *manifest_find(const struct manifest *m,
						const char *file)
{
	size_t i;

	for (i = 0; i < m->count; i++)
		if (!strcmp(m->rows[i].field[0], file))
			return &m->rows[i];
	report_error("%s: no line for '%s'", m->path, file);
	return NULL;
}

/* Fields of fixtures/ssh/manifest.tsv. */
enum { SSH_FILE, SSH_TYPE, SSH_BITS, SSH_SHA256, SSH_MD5, SSH_FIELDS };
/* Fields of fixtures/gpg/manifest.tsv. */
enum {
	GPG_FILE, GPG_FINGERPRINT, GPG_KEYID, GPG_ALGORITHM, GPG_BITS,
	GPG_UIDS, GPG_SUBKEYS, GPG_NOTES, GPG_FIELDS
};

/* --- The database ------------------------------------------------------- */

enum table {
	T_NAMESPACES, T_PROJECTS, T_USERS, T_USER_DETAILS, T_EMAILS, T_MEMBERS,
	T_TOKENS, T_TOKEN_IPS, T_KEYS, T_GPG_KEYS, T_GPG_SUBKEYS,
	T_APPLICATION_SETTINGS, T_SNAPSHOT_INFO, T_COUNT
};

struct table_columns {
	const char *name;
	const char *columns;
};

static const struct table_columns table_columns[T_COUNT] = {
	[T_NAMESPACES] = { "namespaces", "id, name, path, type, parent_id" },
	[T_PROJECTS] = { "projects",
		"id, name, path, namespace_id, project_namespace_id, archived, "
		"pending_delete, marked_for_deletion_at" },
	[T_USERS] = { "users",
		"id, username, name, email, state, user_type, admin, "
		"confirmed_at, created_at, last_activity_on, commit_email, "
		"external" },
	[T_USER_DETAILS] = { "user_details", "user_id, bot_namespace_id" },
	[T_EMAILS] = { "emails", "id, user_id, email, confirmed_at" },
	[T_MEMBERS] = { "members",
		"id, user_id, source_id, source_type, access_level, expires_at" },
	[T_TOKENS] = { "personal_access_tokens",
		"id, user_id, name, description, revoked, expires_at, "
		"created_at, updated_at, last_used_at, scopes, impersonation, "
		"previous_personal_access_token_id, organization_id" },
	[T_TOKEN_IPS] = { "personal_access_token_last_used_ips",
		"id, personal_access_token_id, ip_address, created_at" },
	[T_KEYS] = { "keys",
		"id, user_id, key, title, type, fingerprint, fingerprint_sha256, "
		"created_at, updated_at, last_used_at, expires_at, usage_type" },
	[T_GPG_KEYS] = { "gpg_keys",
		"id, user_id, key, primary_keyid, fingerprint, created_at, "
		"externally_verified" },
	[T_GPG_SUBKEYS] = { "gpg_key_subkeys",
		"id, gpg_key_id, keyid, fingerprint" },
	[T_APPLICATION_SETTINGS] = { "application_settings",
		"id, rsa_key_restriction, dsa_key_restriction, "
		"ecdsa_key_restriction, ed25519_key_restriction, "
		"ecdsa_sk_key_restriction, ed25519_sk_key_restriction, "
		"max_personal_access_token_lifetime, max_ssh_key_lifetime, "
		"require_personal_access_token_expiry, "
		"deactivate_dormant_users_period" },
	[T_SNAPSHOT_INFO] = { "credaudit_snapshot", "key, value" },
};

enum value_type { VALUE_NULL, VALUE_INT, VALUE_TEXT, VALUE_BLOB };

/* One column value of a row to insert. TEXT(NULL) and BLOB(NULL, n)
 * are SQL NULL. */
struct value {
	enum value_type type;
	int64_t integer;
	const char *text;
	const void *blob;
	size_t size;
};

#define NULL_VALUE ((struct value){ .type = VALUE_NULL })
#define INT(x) ((struct value){ .type = VALUE_INT, .integer = (x) })
#define TEXT(s) ((struct value){ .type = VALUE_TEXT, .text = (s) })
#define BLOB(p, n) ((struct value){ .type = VALUE_BLOB, .blob = (p), .size = (n) })

struct generator {
	sqlite3 *db;
	sqlite3_stmt *insert[T_COUNT];
	size_t column_count[T_COUNT];
	int64_t now;
	int64_t today;            /* 00:00 UTC of the day of `now` */
	uint64_t rng;
	uint64_t bulk_rng;         /* the stream of --scale rows */
	const char *fixtures;
	struct manifest ssh_manifest;
	struct manifest gpg_manifest;
	int64_t next_ip_id;
	int64_t next_subkey_id;
};

/* splitmix64: a small generator whose output depends only on the seed. */
static uint64_t rng_next(struct generator *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A number in [0, n); the modulo bias is negligible for these small n. */
static long rng_below(struct generator *g, long n)
{
	return (long)(rng_next(g) % (uint64_t)n);
}

/*
 * The time of `day` (see DAY_BIAS): a moment within the 8 hours before
 * --now shifted by that many days, never later than --now.
 */
static int64_t time_of_day(struct generator *g, int day)
{
	int64_t t = g->now + (int64_t)day_offset(day) * DAY -
		    rng_below(g, 8 * 3600);

	return t > g->now ? g->now : t;
}

/* Like time_of_day(), but at least a minute after `floor`. */
static int64_t time_after(struct generator *g, int day, int64_t floor)
{
	int64_t t = time_of_day(g, day);

	if (t < floor + 60)
		t = floor + 60;
	return t > g->now ? g->now : t;
}

/* The date of `day`, "YYYY-MM-DD", or NULL for 0. */
static const char *date_text(struct generator *g, int day, char *out)
{
	if (!day)
		return NULL;
	format_date(g->today + (int64_t)day_offset(day) * DAY, out);
	return out;
}

static void timestamp_text(struct generator *g, int64_t sec,
			   enum ts_style style, int zoned, char *out)
{
	format_timestamp(sec, rng_below(g, 1000000), style, zoned, out);
}

static int prepare_inserts(struct generator *g)
{
	size_t t;

	for (t = 0; t < T_COUNT; t++) {
		const char *c;
		size_t count = 1, i;
		char *sql, *marks;
		int rc;

		for (c = table_columns[t].columns; *c; c++)
			count += *c == ',';
		marks = xmalloc(3 * count + 1);
		marks[0] = '\0';
		for (i = 0; i < count; i++)
			strcat(marks, i ? ", ?" : "?");
		sql = xasprintf("INSERT INTO %s (%s) VALUES (%s)",
				table_columns[t].name, table_columns[t].columns,
				marks);
		free(marks);
		rc = sqlite3_prepare_v2(g->db, sql, -1, &g->insert[t], NULL);
		free(sql);
		if (rc != SQLITE_OK) {
			report_error("cannot prepare the insert into %s: %s; is --schema samples/schema.sql?",
				     table_columns[t].name, sqlite3_errmsg(g->db));
			return -1;
		}
		g->column_count[t] = count;
	}
	return 0;
}

/* Insert one row; `values` lists every column of the table in order. */
static int insert_row(struct generator *g, enum table t,
		      const struct value *values, size_t count)
{
	sqlite3_stmt *stmt = g->insert[t];
	size_t i;
	int rc = SQLITE_OK;

	if (count != g->column_count[t]) {
		report_error("internal error: %zu values for the %zu columns of %s",
			     count, g->column_count[t], table_columns[t].name);
		return -1;
	}
	for (i = 0; i < count && rc == SQLITE_OK; i++) {
		const struct value *v = &values[i];
		int column = (int)i + 1;

		if (v->type == VALUE_INT)
			rc = sqlite3_bind_int64(stmt, column, v->integer);
		else if (v->type == VALUE_TEXT && v->text)
			rc = sqlite3_bind_text(stmt, column, v->text, -1,
					       SQLITE_STATIC);
		else if (v->type == VALUE_BLOB && v->blob)
			rc = sqlite3_bind_blob(stmt, column, v->blob,
					       (int)v->size, SQLITE_STATIC);
		else
			rc = sqlite3_bind_null(stmt, column);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc != SQLITE_DONE) {
		report_error("insert into %s failed: %s", table_columns[t].name,
			     sqlite3_errmsg(g->db));
		return -1;
	}
	return 0;
}

#define INSERT(g, t, ...) \
	insert_row((g), (t), (const struct value[]){ __VA_ARGS__ }, \
		   sizeof((const struct value[]){ __VA_ARGS__ }) / sizeof(struct value))

/* --- Users, groups and projects ---------------------------------------- */

static const struct user_spec *find_user(int64_t id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(users); i++)
		if (users[i].id == id)
			return &users[i];
	return NULL;
}

static int has_personal_namespace(const struct user_spec *u)
{
	return u->user_type != PROJECT_BOT;
}

static int insert_namespaces(struct generator *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(users); i++) {
		const struct user_spec *u = &users[i];

		if (!has_personal_namespace(u))
			continue;
		if (INSERT(g, T_NAMESPACES, INT(USER_NAMESPACE_BASE + u->id),
			   TEXT(u->name), TEXT(u->username), TEXT("User"),
			   NULL_VALUE))
			return -1;
	}
	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		const struct group_spec *gr = &groups[i];

		if (INSERT(g, T_NAMESPACES, INT(gr->id), TEXT(gr->name),
			   TEXT(gr->path), TEXT("Group"),
			   gr->parent_id ? INT(gr->parent_id) : NULL_VALUE))
			return -1;
	}
	for (i = 0; i < ARRAY_SIZE(projects); i++) {
		const struct project_spec *p = &projects[i];

		if (INSERT(g, T_NAMESPACES, INT(PROJECT_NAMESPACE_BASE + p->id),
			   TEXT(p->name), TEXT(p->path), TEXT("Project"),
			   INT(p->namespace_id)))
			return -1;
	}
	return 0;
}

static int insert_projects(struct generator *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(projects); i++) {
		const struct project_spec *p = &projects[i];
		char marked[TS_MAX];

		if (INSERT(g, T_PROJECTS, INT(p->id), TEXT(p->name),
			   TEXT(p->path), INT(p->namespace_id),
			   INT(PROJECT_NAMESPACE_BASE + p->id), INT(p->archived),
			   INT(0), TEXT(date_text(g, p->marked_for_deletion,
						  marked))))
			return -1;
	}
	return 0;
}

/* Return the primary address of `u`, which the caller frees. */
static char *user_email(const struct user_spec *u)
{
	if (u->email)
		return xasprintf("%s", u->email);
	if (u->user_type == HUMAN)
		return xasprintf("%s@acme.example", u->username);
	return xasprintf("%s@noreply.%s", u->username, GITLAB_HOST);
}

static int insert_users(struct generator *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(users); i++) {
		const struct user_spec *u = &users[i];
		enum ts_style style = style_for_id(u->id);
		char created[TS_MAX], confirmed[TS_MAX], active[TS_MAX];
		int64_t created_at = time_of_day(g, u->created);
		char *email = user_email(u);
		int rc;

		timestamp_text(g, created_at, style, 0, created);
		timestamp_text(g, created_at + 600, style, 0, confirmed);
		rc = INSERT(g, T_USERS, INT(u->id), TEXT(u->username),
			    TEXT(u->name), TEXT(email), TEXT(u->state),
			    INT(u->user_type), INT(u->admin),
			    TEXT(u->unconfirmed ? NULL : confirmed),
			    TEXT(created),
			    TEXT(date_text(g, u->last_activity, active)),
			    TEXT(u->commit_email), INT(u->external));
		free(email);
		if (rc)
			return -1;
	}
	return 0;
}

static const struct bot_spec *find_bot(int64_t user_id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bots); i++)
		if (bots[i].user_id == user_id)
			return &bots[i];
	return NULL;
}

/* Insert user_details for every user, with a bot_namespace_id for bots. */
static int insert_user_details(struct generator *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(users); i++) {
		const struct bot_spec *bot = find_bot(users[i].id);
		struct value bot_namespace = NULL_VALUE;

		if (bot && !strcmp(bot->source_type, "Project"))
			bot_namespace = INT(PROJECT_NAMESPACE_BASE + bot->source_id);
		else if (bot)
			bot_namespace = INT(bot->source_id);
		if (INSERT(g, T_USER_DETAILS, INT(users[i].id), bot_namespace))
			return -1;
	}
	return 0;
}

static int insert_emails(struct generator *g)
{
	char confirmed[TS_MAX];
	int64_t id = 1;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(secondary_emails); i++) {
		const struct email_spec *e = &secondary_emails[i];

		timestamp_text(g, time_of_day(g, DAYS_AGO(90)), TS_POSTGRES, 0,
			       confirmed);
		if (INSERT(g, T_EMAILS, INT(id++), INT(e->user_id),
			   TEXT(e->email), TEXT(e->confirmed ? confirmed : NULL)))
			return -1;
	}
	return 0;
}

/* The newest token of a bot user, whose expiry its membership shares. */
static const struct token_spec *newest_token_of(int64_t user_id)
{
	const struct token_spec *found = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(demo_tokens); i++)
		if (demo_tokens[i].user_id == user_id)
			found = &demo_tokens[i];
	return found;
}

static int insert_members(struct generator *g)
{
	char expires[TS_MAX];
	int64_t id = 1;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(human_members); i++) {
		const struct member_spec *m = &human_members[i];

		if (INSERT(g, T_MEMBERS, INT(id++), INT(m->user_id),
			   INT(m->source_id), TEXT(m->source_type),
			   INT(m->access_level),
			   TEXT(date_text(g, m->expires, expires))))
			return -1;
	}
	/* GitLab sets a bot's membership to expire with its token. */
	for (i = 0; i < ARRAY_SIZE(bots); i++) {
		const struct bot_spec *b = &bots[i];
		const struct token_spec *token = newest_token_of(b->user_id);
		int day = token ? token->expires : 0;

		if (INSERT(g, T_MEMBERS, INT(id++), INT(b->user_id),
			   INT(b->source_id), TEXT(b->source_type),
			   INT(b->access_level),
			   TEXT(date_text(g, day, expires))))
			return -1;
	}
	return 0;
}

/* --- Tokens ------------------------------------------------------------- */

static int insert_token_ips(struct generator *g, int64_t token_id,
			    int64_t created_at, int64_t used_at, int count)
{
	int64_t seen = used_at;
	char text[TS_MAX];
	int i;

	for (i = 0; i < count; i++) {
		const char *address = client_addresses[
			rng_below(g, ARRAY_SIZE(client_addresses))];

		/* The newest address is the one of the last use. */
		if (i > 0)
			seen -= 3600 + rng_below(g, 20 * DAY);
		if (seen < created_at)
			seen = created_at;
		timestamp_text(g, seen, TS_POSTGRES, 1, text);
		if (INSERT(g, T_TOKEN_IPS, INT(g->next_ip_id++), INT(token_id),
			   TEXT(address), TEXT(text)))
			return -1;
	}
	return 0;
}

static int insert_token(struct generator *g, const struct token_spec *t)
{
	enum ts_style style = style_for_id(t->id);
	char created[TS_MAX], updated[TS_MAX], used[TS_MAX], expires[TS_MAX];
	int64_t created_at, used_at = 0, revoked_at = 0;
	const char *expires_text;
	struct value revoked;
	int ips;

	if (!t->created || !t->scopes || !t->name) {
		report_error("internal error: token %lld lacks created, scopes or name",
			     (long long)t->id);
		return -1;
	}
	created_at = time_of_day(g, t->created);
	timestamp_text(g, created_at, style, 0, created);
	if (t->last_used) {
		used_at = time_after(g, t->last_used, created_at);
		timestamp_text(g, used_at, style, 1, used);
	}
	if (t->revoked) {
		revoked_at = time_after(g, t->revoked,
					used_at ? used_at : created_at);
		timestamp_text(g, revoked_at, style, 0, updated);
	} else {
		memcpy(updated, created, sizeof(updated));
	}
	expires_text = t->raw_expires_at ? t->raw_expires_at :
		       date_text(g, t->expires, expires);

	/* GitLab allows NULL for "not revoked", and some rows use it. */
	if (t->revoked)
		revoked = INT(1);
	else if (t->id % 5 == 0)
		revoked = NULL_VALUE;
	else
		revoked = INT(0);

	if (INSERT(g, T_TOKENS, INT(t->id), INT(t->user_id), TEXT(t->name),
		   TEXT(t->description), revoked, TEXT(expires_text),
		   TEXT(created), TEXT(updated),
		   TEXT(t->last_used ? used : NULL), TEXT(t->scopes),
		   INT(t->impersonation),
		   t->previous_id ? INT(t->previous_id) : NULL_VALUE,
		   INT(ORGANIZATION_ID)))
		return -1;

	if (!t->last_used)
		return 0;
	if (t->ip_count < 0)
		return 0;
	ips = t->ip_count ? t->ip_count : (int)rng_below(g, 3);
	return insert_token_ips(g, t->id, created_at, used_at, ips);
}

/*
 * A token's creation day, moved to the day after its owner's account was
 * created when it would precede it.
 */
static int clamp_to_owner(int64_t user_id, int created_ago)
{
	const struct user_spec *u = find_user(user_id);
	int age = u ? -day_offset(u->created) : created_ago + 1;

	return created_ago < age ? created_ago : (age > 0 ? age - 1 : 0);
}

/* Days since the owner's last_activity_on, which a token's use updates. */
static int days_since_activity(int64_t user_id)
{
	const struct user_spec *u = find_user(user_id);

	return u && u->last_activity ? -day_offset(u->last_activity) : 0;
}

static int insert_cluster_tokens(struct generator *g)
{
	int i;

	for (i = 0; i < CLUSTER_SIZE; i++) {
		struct token_spec t = {
			.id = CLUSTER_FIRST_ID + i,
			.user_id = cluster_owners[i % ARRAY_SIZE(cluster_owners)],
			.name = filler_names[i % ARRAY_SIZE(filler_names)],
			.scopes = filler_scopes[i % ARRAY_SIZE(filler_scopes)],
			.expires = CLUSTER_EXPIRES,
		};

		t.created = DAYS_AGO(clamp_to_owner(t.user_id, 400 + 55 * i));

		/* Every fourth token of the cluster was never used. */
		if (i % 4 != 3)
			t.last_used = DAYS_AGO(days_since_activity(t.user_id) +
					       (int)rng_below(g, 120));
		if (insert_token(g, &t))
			return -1;
	}
	return 0;
}

/*
 * A token made from the seed: an owner, a creation day within the last
 * 600 days, mostly an expiry up to 365 days after creation, sometimes
 * never used, sometimes revoked.
 */
static void make_filler_token(struct generator *g, int64_t id,
			      struct token_spec *t)
{
	int created_ago = 1 + (int)rng_below(g, 600);
	int expires_in = 0, first_unused = 0;

	memset(t, 0, sizeof(*t));
	t->id = id;
	t->user_id = filler_owners[rng_below(g, ARRAY_SIZE(filler_owners))];
	t->name = filler_names[rng_below(g, ARRAY_SIZE(filler_names))];
	t->scopes = filler_scopes[rng_below(g, ARRAY_SIZE(filler_scopes))];
	created_ago = clamp_to_owner(t->user_id, created_ago);
	t->created = DAYS_AGO(created_ago);

	if (rng_below(g, 100) >= 12) {
		expires_in = 7 + (int)rng_below(g, 359) - created_ago;
		t->expires = IN_DAYS(expires_in);
	}
	/* A token was last used before its expiry day and no later than its
	 * owner's last activity. */
	if (t->expires && expires_in <= 0)
		first_unused = 1 - expires_in;
	if (first_unused < days_since_activity(t->user_id))
		first_unused = days_since_activity(t->user_id);
	if (rng_below(g, 100) >= 15 && first_unused <= created_ago) {
		int used_ago = first_unused +
			       (int)rng_below(g, created_ago - first_unused + 1);

		t->last_used = DAYS_AGO(used_ago);
	}
	if (rng_below(g, 100) < 10) {
		int since = t->last_used ? -day_offset(t->last_used) : created_ago;

		t->revoked = DAYS_AGO((int)rng_below(g, since + 1));
	}
}

/*
 * Insert `count` tokens: the hand-written ones, the cluster, then tokens
 * made from the seed up to `count`.
 */
static int insert_tokens(struct generator *g, long count)
{
	int64_t id = CLUSTER_FIRST_ID + CLUSTER_SIZE;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(demo_tokens); i++) {
		if (i > 0 && demo_tokens[i].id != demo_tokens[i - 1].id + 1) {
			report_error("internal error: token ids must run 1, 2, ... (id %lld)",
				     (long long)demo_tokens[i].id);
			return -1;
		}
		if (insert_token(g, &demo_tokens[i]))
			return -1;
	}
	if (demo_tokens[ARRAY_SIZE(demo_tokens) - 1].id + 1 != CLUSTER_FIRST_ID) {
		report_error("internal error: the cluster must follow the hand-written tokens");
		return -1;
	}
	if (insert_cluster_tokens(g))
		return -1;

	for (; id <= count; id++) {
		struct token_spec t;

		make_filler_token(g, id, &t);
		if (insert_token(g, &t))
			return -1;
	}
	return 0;
}

/* --- SSH keys ----------------------------------------------------------- */

/* The parts of an OpenSSH public key line and the digests of its blob. */
struct ssh_key {
	char *line;                 /* owned, without the trailing newline */
	unsigned char *blob;
	long blob_len;
	unsigned char md5[16];
	unsigned char sha256[32];
};

static void ssh_key_release(struct ssh_key *key)
{
	free(key->line);
	free(key->blob);
	memset(key, 0, sizeof(*key));
}

static void format_md5(const unsigned char *md5, char *out)
{
	int i;

	for (i = 0; i < 16; i++)
		sprintf(out + 3 * i, i < 15 ? "%02x:" : "%02x", md5[i]);
}

static void hash_blob(struct ssh_key *key)
{
	gcry_md_hash_buffer(GCRY_MD_MD5, key->md5, key->blob,
			    (size_t)key->blob_len);
	gcry_md_hash_buffer(GCRY_MD_SHA256, key->sha256, key->blob,
			    (size_t)key->blob_len);
}

/*
 * Check the blob's type string and both fingerprints against the line
 * that ssh-keygen wrote into the manifest, so that a damaged fixture
 * stops the build instead of entering the sample.
 */
static int check_ssh_fixture(const struct ssh_key *key,
			     const struct manifest_row *row, const char *path)
{
	const char *type = row->field[SSH_TYPE];
	size_t type_len = strlen(type);
	char sha256[64], md5[64];
	uint32_t declared;

	if (key->blob_len < 4)
		goto damaged;
	declared = (uint32_t)key->blob[0] << 24 | (uint32_t)key->blob[1] << 16 |
		   (uint32_t)key->blob[2] << 8 | key->blob[3];
	if (declared != type_len || (size_t)key->blob_len < 4 + type_len ||
	    memcmp(key->blob + 4, type, type_len))
		goto damaged;

	memcpy(sha256, "SHA256:", 7);
	base64_encode_unpadded(key->sha256, sizeof(key->sha256), sha256 + 7);
	memcpy(md5, "MD5:", 4);
	format_md5(key->md5, md5 + 4);
	if (strcmp(sha256, row->field[SSH_SHA256]) ||
	    strcmp(md5, row->field[SSH_MD5])) {
		report_error("%s: fingerprint %s differs from the manifest's %s; rerun samples/make-fixtures.sh",
			     path, sha256, row->field[SSH_SHA256]);
		return -1;
	}
	return 0;

damaged:
	report_error("%s: the key blob is not of type %s as the manifest says",
		     path, type);
	return -1;
}

static int load_ssh_fixture(struct generator *g, const char *file,
			    struct ssh_key *key)
{
	const struct manifest_row *row;
	char *path, *start, *end;
	int rc = -1;

	memset(key, 0, sizeof(*key));
	row = manifest_find(&g->ssh_manifest, file);
	if (!row)
		return -1;
	path = xasprintf("%s/ssh/%s", g->fixtures, file);
	key->line = read_file(path, NULL);
	if (!key->line)
		goto out;
	strip_trailing_space(key->line);

	start = strchr(key->line, ' ');
	if (!start)
		goto malformed;
	start++;
	end = strchr(start, ' ');
	if (!end)
		end = start + strlen(start);
	key->blob = xmalloc((size_t)(end - start));
	key->blob_len = base64_decode(start, (size_t)(end - start), key->blob);
	if (key->blob_len < 0)
		goto malformed;
	hash_blob(key);
	rc = check_ssh_fixture(key, row, path);
	goto out;

malformed:
	report_error("%s: not an OpenSSH public key line", path);
out:
	free(path);
	if (rc)
		ssh_key_release(key);
	return rc;
}

/*
 * Fingerprints of a blob that no key in the sample has: the key's own
 * blob with its last byte changed. They stand for a row whose key text
 * was edited after GitLab computed the fingerprints.
 */
static void hash_altered_blob(const struct ssh_key *key,
			      unsigned char *md5, unsigned char *sha256)
{
	unsigned char *copy = xmalloc((size_t)key->blob_len);

	memcpy(copy, key->blob, (size_t)key->blob_len);
	copy[key->blob_len - 1] ^= 0x01;
	gcry_md_hash_buffer(GCRY_MD_MD5, md5, copy, (size_t)key->blob_len);
	gcry_md_hash_buffer(GCRY_MD_SHA256, sha256, copy,
			    (size_t)key->blob_len);
	free(copy);
}

static int insert_key(struct generator *g, const struct key_spec *k)
{
	enum ts_style style = style_for_id(k->id);
	struct ssh_key key = { 0 };
	unsigned char md5[16] = { 0 }, sha256[32] = { 0 };
	char md5_text[48], created[TS_MAX], used[TS_MAX], expires[TS_MAX];
	const char *line = k->text;
	int64_t created_at, used_at = 0;
	int rc;

	if (k->fixture) {
		if (load_ssh_fixture(g, k->fixture, &key))
			return -1;
		line = key.line;
		memcpy(md5, key.md5, sizeof(md5));
		memcpy(sha256, key.sha256, sizeof(sha256));
		if (k->fingerprints == FP_MISMATCH)
			hash_altered_blob(&key, md5, sha256);
	}
	format_md5(md5, md5_text);

	created_at = time_of_day(g, k->created);
	timestamp_text(g, created_at, style, 0, created);
	if (k->last_used) {
		used_at = time_after(g, k->last_used, created_at);
		timestamp_text(g, used_at, style, 1, used);
	}
	/* Key expiry falls at 00:00 UTC of a day in this sample. */
	if (k->expires)
		format_timestamp(g->today + (int64_t)day_offset(k->expires) * DAY,
				 0, style, 1, expires);

	rc = INSERT(g, T_KEYS, INT(k->id), INT(k->user_id), TEXT(line),
		    TEXT(k->title), TEXT(k->type),
		    TEXT(k->fingerprints == FP_COMPUTED ||
			 k->fingerprints == FP_MISMATCH ? md5_text : NULL),
		    k->fingerprints == FP_NONE ? NULL_VALUE :
						 BLOB(sha256, sizeof(sha256)),
		    TEXT(created), TEXT(created),
		    TEXT(k->last_used ? used : NULL),
		    TEXT(k->expires ? expires : NULL), INT(k->usage_type));
	ssh_key_release(&key);
	return rc;
}

static int insert_keys(struct generator *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(demo_keys); i++) {
		const struct key_spec *k = &demo_keys[i];

		if (!k->fixture && k->fingerprints != FP_NONE) {
			report_error("internal error: key %lld has no fixture to take fingerprints from",
				     (long long)k->id);
			return -1;
		}
		if (insert_key(g, k))
			return -1;
	}
	return 0;
}

/* --- GPG keys ----------------------------------------------------------- */

/* Insert the subkeys listed as comma-separated fingerprints. */
static int insert_gpg_subkeys(struct generator *g, int64_t gpg_key_id,
			      const char *list, const char *file)
{
	const char *p = list;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		unsigned char fingerprint[20];
		char hex[41];

		if (len != 40) {
			report_error("%s/gpg/manifest.tsv: subkey fingerprint of %s is not 40 hex digits",
				     g->fixtures, file);
			return -1;
		}
		memcpy(hex, p, 40);
		hex[40] = '\0';
		if (hex_decode(hex, fingerprint, sizeof(fingerprint))) {
			report_error("%s/gpg/manifest.tsv: subkey fingerprint '%s' of %s is not hex",
				     g->fixtures, hex, file);
			return -1;
		}
		/* A version 4 key ID is the last 8 bytes of the fingerprint. */
		if (INSERT(g, T_GPG_SUBKEYS, INT(g->next_subkey_id++),
			   INT(gpg_key_id), BLOB(fingerprint + 12, 8),
			   BLOB(fingerprint, sizeof(fingerprint))))
			return -1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int insert_gpg_key(struct generator *g, const struct gpg_spec *k)
{
	const struct manifest_row *row;
	unsigned char fingerprint[20], keyid[8];
	char created[TS_MAX], *path, *armor;
	int rc = -1;

	row = manifest_find(&g->gpg_manifest, k->fixture);
	if (!row)
		return -1;
	if (hex_decode(row->field[GPG_FINGERPRINT], fingerprint,
		       sizeof(fingerprint)) ||
	    hex_decode(row->field[GPG_KEYID], keyid, sizeof(keyid)) ||
	    memcmp(keyid, fingerprint + 12, sizeof(keyid))) {
		report_error("%s/gpg/manifest.tsv: bad fingerprint or key ID for %s",
			     g->fixtures, k->fixture);
		return -1;
	}
	path = xasprintf("%s/gpg/%s", g->fixtures, k->fixture);
	armor = read_file(path, NULL);
	if (!armor)
		goto out;
	strip_trailing_space(armor);
	if (!strstr(armor, "-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
		report_error("%s: not an ASCII-armored public key", path);
		goto out;
	}

	timestamp_text(g, time_of_day(g, k->created), style_for_id(k->id), 0,
		       created);
	if (INSERT(g, T_GPG_KEYS, INT(k->id), INT(k->user_id), TEXT(armor),
		   BLOB(keyid, sizeof(keyid)),
		   BLOB(fingerprint, sizeof(fingerprint)), TEXT(created),
		   INT(0)))
		goto out;
	rc = insert_gpg_subkeys(g, k->id, row->field[GPG_SUBKEYS], k->fixture);
out:
	free(armor);
	free(path);
	return rc;
}

static int insert_gpg_keys(struct generator *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(demo_gpg_keys); i++)
		if (insert_gpg_key(g, &demo_gpg_keys[i]))
			return -1;
	return 0;
}

/* --- Scale samples ------------------------------------------------------ */

/*
 * --scale TOKENS adds a large generated instance to the demo rows, for
 * benchmarks and memory tests: TOKENS tokens in all, and users, groups,
 * projects, memberships, SSH keys and GPG keys in the fixed ratios below,
 * given per million tokens, so that --scale 100000 is ten times smaller
 * than --scale 1000000. Generated rows take ids after the hand-written
 * ones and draw from their own random stream, so the demo rows are the
 * same as in demo.db.
 */
#define SCALE_UNIT 1000000
#define SCALE_USERS 50000          /* bots included */
#define SCALE_GROUPS 2000
#define SCALE_PROJECTS 10000
#define SCALE_SSH_KEYS 200000      /* the demo keys included */
#define SCALE_GPG_KEYS 20000       /* besides the demo keys */
#define SCALE_MAX 100000000L

/*
 * Id ranges of generated rows, far from the hand-written ones: user j
 * has id 1000 + j, so its personal namespace (USER_NAMESPACE_BASE + id)
 * stays below the generated groups for any --scale up to SCALE_MAX.
 */
#define BULK_USER_BASE 1000
#define BULK_GROUP_BASE 10000000
#define BULK_PROJECT_BASE 1000
#define BULK_PROJECT_NAMESPACE_BASE 20000000

/* Share of generated tokens, in thousandths, that belong to bots. */
#define BULK_BOT_TOKEN_PERMILLE 30

/* The armored keys that make-bulk-gpg.sh made, xz-compressed. */
#define BULK_GPG_FILE "gpg-bulk/keys.asc.xz"

enum bulk_user_kind {
	BULK_HUMAN,
	BULK_SERVICE_ACCOUNT,
	BULK_PROJECT_BOT,
	BULK_GROUP_BOT,
};

/*
 * Generated GPG key k names user k * 5 / 2 (see make-bulk-gpg.sh), so
 * those users, whose index is 0 or 2 modulo 5, are always humans. Bots
 * take 4 of every 25 users and service accounts 1 of every 50, all with
 * other residues.
 */
static enum bulk_user_kind bulk_user_kind(long j)
{
	switch (j % 25) {
	case 1: case 8: case 14:
		return BULK_PROJECT_BOT;
	case 19:
		return BULK_GROUP_BOT;
	}
	return j % 50 == 46 ? BULK_SERVICE_ACCOUNT : BULK_HUMAN;
}

static const char *bulk_user_state(long j)
{
	switch (j % 100) {
	case 3: return "blocked";
	case 33: return "deactivated";
	case 53: return "banned";
	case 73: return "ldap_blocked";
	}
	return "active";
}

static const char *const bulk_first_names[] = {
	"Ada", "Ben", "Chloe", "Dario", "Elif", "Femi", "Gita", "Hugo",
	"Iris", "Jonas", "Kaito", "Lena", "Mateo", "Nora", "Omar", "Priya",
	"Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor", "Wen", "Yara",
};

static const char *const bulk_last_names[] = {
	"Achebe", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia",
	"Haddad", "Ito", "Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura",
	"Okafor", "Petrov", "Rossi", "Schmidt", "Tanaka", "Novak",
};

static const char *const bulk_key_titles[] = {
	"laptop", "desktop", "workstation", "ci-runner", "build-host",
	"YubiKey", "tablet", "backup-server", "jump-host", "home",
};

/* One SSH fixture, loaded once and repeated over the generated keys. */
struct ssh_pool {
	struct ssh_key *keys;
	size_t count;
};

/* One key of the bulk GPG fixture, with its own armor. */
struct bulk_gpg_key {
	char *armor;
	unsigned char fingerprint[20];
};

struct bulk_gpg {
	struct bulk_gpg_key *keys;
	size_t count;
};

/* Sizes and material of one generated instance. */
struct scale_plan {
	long tokens;
	long users;
	long groups;
	long projects;
	long ssh_keys;             /* generated ones, after the demo keys */
	long gpg_keys;
	long *humans;              /* indexes of human and service users */
	long human_count;
	long *bots;                /* indexes of bot users */
	long bot_count;
	int *user_created_ago;     /* days, by user index */
	struct ssh_pool ssh_pool;
	struct bulk_gpg gpg;
};

static long scale_count(long tokens, long per_unit)
{
	long n = (long)((int64_t)per_unit * tokens / SCALE_UNIT);

	return n > 0 ? n : 1;
}

/*
 * Run the generated rows on their own random stream: save the demo
 * stream in `saved` and switch, or switch back.
 */
static void bulk_stream_enter(struct generator *g, uint64_t *saved)
{
	*saved = g->rng;
	g->rng = g->bulk_rng;
}

static void bulk_stream_leave(struct generator *g, uint64_t saved)
{
	g->bulk_rng = g->rng;
	g->rng = saved;
}

static int64_t bulk_user_id(long j)
{
	return BULK_USER_BASE + j;
}

/* The project (bot of a project) or group (bot of a group) a bot serves. */
static long bulk_bot_target(const struct scale_plan *s, long j)
{
	return bulk_user_kind(j) == BULK_PROJECT_BOT ? (j / 25) % s->projects
						     : (j / 25) % s->groups;
}

static int64_t bulk_group_namespace(long group)
{
	return BULK_GROUP_BASE + group;
}

static int insert_bulk_namespaces(struct generator *g, struct scale_plan *s)
{
	long top = s->groups / 10 > 0 ? s->groups / 10 : 1;
	char name[64], path[64];
	long j, k;

	for (j = 0; j < s->users; j++) {
		enum bulk_user_kind kind = bulk_user_kind(j);

		if (kind == BULK_PROJECT_BOT || kind == BULK_GROUP_BOT)
			continue;
		snprintf(path, sizeof(path), "user%05ld", j);
		if (INSERT(g, T_NAMESPACES,
			   INT(USER_NAMESPACE_BASE + bulk_user_id(j)),
			   TEXT(path), TEXT(path), TEXT("User"), NULL_VALUE))
			return -1;
	}
	/* A tenth of the groups are top-level; each other one has a parent. */
	for (k = 0; k < s->groups; k++) {
		snprintf(name, sizeof(name), "Team %04ld", k);
		snprintf(path, sizeof(path), "team-%04ld", k);
		if (INSERT(g, T_NAMESPACES, INT(bulk_group_namespace(k)),
			   TEXT(name), TEXT(path), TEXT("Group"),
			   k < top ? NULL_VALUE
				   : INT(bulk_group_namespace(k % top))))
			return -1;
	}
	for (k = 0; k < s->projects; k++) {
		snprintf(name, sizeof(name), "Service %05ld", k);
		snprintf(path, sizeof(path), "service-%05ld", k);
		if (INSERT(g, T_NAMESPACES,
			   INT(BULK_PROJECT_NAMESPACE_BASE + k), TEXT(name),
			   TEXT(path), TEXT("Project"),
			   INT(bulk_group_namespace(k % s->groups))))
			return -1;
	}
	return 0;
}

static int insert_bulk_projects(struct generator *g, struct scale_plan *s)
{
	char name[64], path[64], marked[TS_MAX];
	long k;

	for (k = 0; k < s->projects; k++) {
		snprintf(name, sizeof(name), "Service %05ld", k);
		snprintf(path, sizeof(path), "service-%05ld", k);
		if (INSERT(g, T_PROJECTS, INT(BULK_PROJECT_BASE + k), TEXT(name),
			   TEXT(path), INT(bulk_group_namespace(k % s->groups)),
			   INT(BULK_PROJECT_NAMESPACE_BASE + k),
			   INT(k % 50 == 17), INT(0),
			   TEXT(k % 100 == 61 ? date_text(g, DAYS_AGO(3), marked)
					      : NULL)))
			return -1;
	}
	return 0;
}

static int insert_bulk_users(struct generator *g, struct scale_plan *s)
{
	char username[64], name[96], email[128];
	char created[TS_MAX], confirmed[TS_MAX], active[TS_MAX];
	long j;

	for (j = 0; j < s->users; j++) {
		enum bulk_user_kind kind = bulk_user_kind(j);
		int64_t id = bulk_user_id(j);
		enum ts_style style = style_for_id(id);
		int64_t created_at = time_of_day(g, DAYS_AGO(s->user_created_ago[j]));
		int user_type = HUMAN, activity;
		const char *first = bulk_first_names[j % ARRAY_SIZE(bulk_first_names)];
		const char *last = bulk_last_names[(j / ARRAY_SIZE(bulk_first_names)) %
						   ARRAY_SIZE(bulk_last_names)];

		switch (kind) {
		case BULK_HUMAN:
			snprintf(username, sizeof(username), "user%05ld", j);
			snprintf(name, sizeof(name), "%s %s", first, last);
			snprintf(email, sizeof(email), "%s@acme.example", username);
			break;
		case BULK_SERVICE_ACCOUNT:
			user_type = SERVICE_ACCOUNT;
			snprintf(username, sizeof(username), "service_account_%05ld", j);
			snprintf(name, sizeof(name), "Service account %05ld", j);
			snprintf(email, sizeof(email), "%s@noreply.%s", username,
				 GITLAB_HOST);
			break;
		case BULK_PROJECT_BOT:
		case BULK_GROUP_BOT:
			user_type = PROJECT_BOT;
			snprintf(username, sizeof(username), "%s_%ld_bot_%08llx",
				 kind == BULK_PROJECT_BOT ? "project" : "group",
				 kind == BULK_PROJECT_BOT
					 ? BULK_PROJECT_BASE + bulk_bot_target(s, j)
					 : bulk_group_namespace(bulk_bot_target(s, j)),
				 (unsigned long long)(rng_next(g) & 0xffffffffu));
			snprintf(name, sizeof(name), "%s",
				 filler_names[j % ARRAY_SIZE(filler_names)]);
			snprintf(email, sizeof(email), "%s@noreply.%s", username,
				 GITLAB_HOST);
			break;
		}
		/* One user in twenty has been dormant for months. */
		activity = j % 20 == 11 ? 100 + (int)rng_below(g, 400)
					: (int)rng_below(g, 30);
		if (activity >= s->user_created_ago[j])
			activity = s->user_created_ago[j] - 1;
		timestamp_text(g, created_at, style, 0, created);
		timestamp_text(g, created_at + 600, style, 0, confirmed);
		if (INSERT(g, T_USERS, INT(id), TEXT(username), TEXT(name),
			   TEXT(email), TEXT(bulk_user_state(j)), INT(user_type),
			   INT(kind == BULK_HUMAN && j % 1000 == 7),
			   TEXT(j % 40 == 37 ? NULL : confirmed), TEXT(created),
			   TEXT(date_text(g, DAYS_AGO(activity), active)),
			   NULL_VALUE, INT(kind == BULK_HUMAN && j % 200 == 99)))
			return -1;
	}
	return 0;
}

static int insert_bulk_user_details(struct generator *g, struct scale_plan *s)
{
	long j;

	for (j = 0; j < s->users; j++) {
		enum bulk_user_kind kind = bulk_user_kind(j);
		struct value bot_namespace = NULL_VALUE;

		if (kind == BULK_PROJECT_BOT)
			bot_namespace = INT(BULK_PROJECT_NAMESPACE_BASE +
					    bulk_bot_target(s, j));
		else if (kind == BULK_GROUP_BOT)
			bot_namespace = INT(bulk_group_namespace(bulk_bot_target(s, j)));
		if (INSERT(g, T_USER_DETAILS, INT(bulk_user_id(j)), bot_namespace))
			return -1;
	}
	return 0;
}

/* Every fifth human has a secondary address, every tenth a confirmed one. */
static int insert_bulk_emails(struct generator *g, struct scale_plan *s)
{
	char email[64], confirmed[TS_MAX];
	int64_t id = (int64_t)ARRAY_SIZE(secondary_emails) + 1;
	long i;

	for (i = 0; i < s->human_count; i++) {
		long j = s->humans[i];

		if (j % 5 != 2 || bulk_user_kind(j) != BULK_HUMAN)
			continue;
		snprintf(email, sizeof(email), "user%05ld@home.example", j);
		timestamp_text(g, time_of_day(g, DAYS_AGO(90)), TS_POSTGRES, 0,
			       confirmed);
		if (INSERT(g, T_EMAILS, INT(id++), INT(bulk_user_id(j)),
			   TEXT(email), TEXT(j % 10 == 2 ? confirmed : NULL)))
			return -1;
	}
	return 0;
}

/* Bots belong to their one project or group; humans to one of each. */
static int insert_bulk_members(struct generator *g, struct scale_plan *s)
{
	int64_t id = (int64_t)(ARRAY_SIZE(human_members) + ARRAY_SIZE(bots)) + 1;
	long j;

	for (j = 0; j < s->users; j++) {
		enum bulk_user_kind kind = bulk_user_kind(j);
		int64_t uid = bulk_user_id(j);

		if (kind == BULK_PROJECT_BOT) {
			if (INSERT(g, T_MEMBERS, INT(id++), INT(uid),
				   INT(BULK_PROJECT_BASE + bulk_bot_target(s, j)),
				   TEXT("Project"), INT(MAINTAINER), NULL_VALUE))
				return -1;
			continue;
		}
		if (kind == BULK_GROUP_BOT) {
			if (INSERT(g, T_MEMBERS, INT(id++), INT(uid),
				   INT(bulk_group_namespace(bulk_bot_target(s, j))),
				   TEXT("Namespace"), INT(DEVELOPER), NULL_VALUE))
				return -1;
			continue;
		}
		if (INSERT(g, T_MEMBERS, INT(id++), INT(uid),
			   INT(BULK_PROJECT_BASE + (j * 7) % s->projects),
			   TEXT("Project"), INT(DEVELOPER), NULL_VALUE) ||
		    INSERT(g, T_MEMBERS, INT(id++), INT(uid),
			   INT(bulk_group_namespace((j * 3) % s->groups)),
			   TEXT("Namespace"), INT(REPORTER), NULL_VALUE))
			return -1;
	}
	return 0;
}

/*
 * A generated token of user `j`: created after the account, mostly with
 * an expiry of up to a year (some over a year), sometimes never used,
 * sometimes revoked. `created_ago` is a creation day forced by a
 * rotation, or 0 to draw one.
 */
static void make_bulk_token(struct generator *g, const struct scale_plan *s,
			    int64_t id, long j, int created_ago,
			    struct token_spec *t)
{
	int age = s->user_created_ago[j];
	int expires_in = 0;

	memset(t, 0, sizeof(*t));
	t->id = id;
	t->user_id = bulk_user_id(j);
	t->name = filler_names[rng_below(g, ARRAY_SIZE(filler_names))];
	t->scopes = filler_scopes[rng_below(g, ARRAY_SIZE(filler_scopes))];
	if (!created_ago)
		created_ago = 1 + (int)rng_below(g, age > 900 ? 900 : age - 1);
	t->created = DAYS_AGO(created_ago);

	if (rng_below(g, 100) >= 13) {
		int lifetime = rng_below(g, 50) ? 7 + (int)rng_below(g, 359)
						 : 366 + (int)rng_below(g, 365);

		expires_in = lifetime - created_ago;
		t->expires = IN_DAYS(expires_in);
	}
	if (rng_below(g, 100) >= 18) {
		int newest = t->expires && expires_in <= 0 ? 1 - expires_in : 0;

		if (newest <= created_ago)
			t->last_used = DAYS_AGO(newest + (int)rng_below(g,
						created_ago - newest + 1));
	}
	if (rng_below(g, 100) < 10) {
		int since = t->last_used ? -day_offset(t->last_used) : created_ago;

		t->revoked = DAYS_AGO((int)rng_below(g, since + 1));
	}
	t->impersonation = bulk_user_kind(j) == BULK_HUMAN &&
			   rng_below(g, 200) == 0;
	/* Few rows of personal_access_token_last_used_ips: the report
	 * does not read them. */
	t->ip_count = t->last_used && rng_below(g, 8) == 0 ? 1 : -1;
}

/*
 * Insert the tokens after the demo ones, up to id s->tokens. A revoked
 * token is rotated
 * half of the time: the next token has the same owner, starts on the day
 * of the revocation and points back at it.
 */
static int insert_bulk_tokens(struct generator *g, struct scale_plan *s)
{
	struct token_spec t, previous = { 0 };
	int64_t id;

	for (id = DEMO_TOKEN_COUNT + 1; id <= s->tokens; id++) {
		long j;
		int created_ago = 0;

		if (previous.revoked && -day_offset(previous.revoked) > 0 &&
		    rng_below(g, 2)) {
			j = (long)(previous.user_id - BULK_USER_BASE);
			created_ago = -day_offset(previous.revoked);
		} else if (s->bot_count &&
			   rng_below(g, 1000) < BULK_BOT_TOKEN_PERMILLE) {
			j = s->bots[rng_below(g, s->bot_count)];
		} else {
			j = s->humans[rng_below(g, s->human_count)];
		}
		make_bulk_token(g, s, id, j, created_ago, &t);
		if (created_ago)
			t.previous_id = previous.id;
		if (insert_token(g, &t))
			return -1;
		previous = t;
	}
	return 0;
}

static int ssh_pool_load(struct generator *g, struct ssh_pool *pool)
{
	size_t i;

	pool->keys = xmalloc(g->ssh_manifest.count * sizeof(*pool->keys));
	pool->count = 0;
	for (i = 0; i < g->ssh_manifest.count; i++) {
		if (load_ssh_fixture(g, g->ssh_manifest.rows[i].field[SSH_FILE],
				     &pool->keys[pool->count]))
			return -1;
		pool->count++;
	}
	if (!pool->count) {
		report_error("%s/ssh/manifest.tsv lists no keys", g->fixtures);
		return -1;
	}
	return 0;
}

static void ssh_pool_release(struct ssh_pool *pool)
{
	size_t i;

	for (i = 0; i < pool->count; i++)
		ssh_key_release(&pool->keys[i]);
	free(pool->keys);
	memset(pool, 0, sizeof(*pool));
}

/*
 * Insert the generated SSH keys after the demo ones. Key material
 * repeats from the fixtures; the stored fingerprints are those of the
 * key, except that one key in fifty has no MD5, as under FIPS.
 */
static int insert_bulk_keys(struct generator *g, struct scale_plan *s)
{
	const struct ssh_pool *pool = &s->ssh_pool;
	char md5_text[48], created[TS_MAX], used[TS_MAX], expires[TS_MAX];
	int64_t first_id = 1;
	size_t i;
	long n;

	for (i = 0; i < ARRAY_SIZE(demo_keys); i++)
		if (demo_keys[i].id >= first_id)
			first_id = demo_keys[i].id + 1;

	for (n = 0; n < s->ssh_keys; n++) {
		int64_t id = first_id + n;
		enum ts_style style = style_for_id(id);
		const struct ssh_key *key = &pool->keys[rng_below(g, (long)pool->count)];
		long j = s->humans[rng_below(g, s->human_count)];
		int age = s->user_created_ago[j];
		int created_ago = 1 + (int)rng_below(g, age > 1500 ? 1500 : age - 1);
		int64_t created_at = time_of_day(g, DAYS_AGO(created_ago));
		long kind = rng_below(g, 1000);
		const char *type = kind < 50 ? "DeployKey" : kind < 55 ? "LDAPKey" :
				   kind < 155 ? "Key" : NULL;
		long usage = rng_below(g, 10);
		int has_used = rng_below(g, 100) < 85;
		int has_expiry = rng_below(g, 100) < 25;

		format_md5(key->md5, md5_text);
		timestamp_text(g, created_at, style, 0, created);
		if (has_used)
			timestamp_text(g, time_after(g,
					DAYS_AGO((int)rng_below(g, created_ago)),
					created_at), style, 1, used);
		if (has_expiry)
			format_timestamp(g->today + (int64_t)(rng_below(g, 700) - 200) * DAY,
					 0, style, 1, expires);
		if (INSERT(g, T_KEYS, INT(id), INT(bulk_user_id(j)),
			   TEXT(key->line),
			   TEXT(bulk_key_titles[n % ARRAY_SIZE(bulk_key_titles)]),
			   TEXT(type), TEXT(n % 50 == 7 ? NULL : md5_text),
			   BLOB(key->sha256, sizeof(key->sha256)), TEXT(created),
			   TEXT(created), TEXT(has_used ? used : NULL),
			   TEXT(has_expiry ? expires : NULL),
			   INT(usage < 7 ? 0 : usage < 9 ? 1 : 2)))
			return -1;
	}
	return 0;
}

/* --- Bulk GPG fixture --- */

/*
 * Run `xz -dc PATH` and return its output, NUL-terminated, or NULL after
 * reporting. `*len` receives the length.
 */
static char *read_xz_file(const char *path, size_t *len)
{
	posix_spawn_file_actions_t actions;
	char *argv[] = { (char *)"xz", (char *)"-dc", (char *)"--", (char *)path, NULL };
	char *data = NULL;
	size_t size = 0, cap = 0;
	int fds[2], status, ok = 0;
	pid_t pid;
	ssize_t n;

	if (pipe(fds)) {
		report_error("cannot create a pipe: %s", strerror(errno));
		return NULL;
	}
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&actions, fds[0]);
	posix_spawn_file_actions_addclose(&actions, fds[1]);
	if (posix_spawnp(&pid, "xz", &actions, NULL, argv, environ)) {
		report_error("cannot run xz to read '%s': %s; install xz-utils",
			     path, strerror(errno));
		posix_spawn_file_actions_destroy(&actions);
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	posix_spawn_file_actions_destroy(&actions);
	close(fds[1]);
	for (;;) {
		if (cap - size < 65536) {
			cap = cap ? 2 * cap : 1 << 20;
			data = realloc(data, cap + 1);
			if (!data) {
				report_error("out of memory reading '%s'", path);
				exit(EXIT_FAILED);
			}
		}
		n = read(fds[0], data + size, cap - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		size += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			break;
	if (n == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		ok = 1;
	if (!ok) {
		report_error("'xz -dc %s' failed; rerun samples/make-bulk-gpg.sh to remake the file",
			     path);
		free(data);
		return NULL;
	}
	data[size] = '\0';
	*len = size;
	return data;
}

/* The CRC-24 of OpenPGP ASCII armor (RFC 4880, section 6.1). */
static uint32_t crc24(const unsigned char *data, size_t len)
{
	uint32_t crc = 0xB704CEu;
	size_t i;
	int bit;

	for (i = 0; i < len; i++) {
		crc ^= (uint32_t)data[i] << 16;
		for (bit = 0; bit < 8; bit++) {
			crc <<= 1;
			if (crc & 0x1000000u)
				crc ^= 0x1864CFBu;
		}
	}
	return crc & 0xFFFFFFu;
}

/* Encode as padded base64 into `out`, which has room for 4 * ((len + 2) / 3) + 1. */
static void base64_encode_padded(const unsigned char *data, size_t len,
				 char *out)
{
	size_t n;

	base64_encode_unpadded(data, len, out);
	n = strlen(out);
	while (n % 4)
		out[n++] = '=';
	out[n] = '\0';
}

/*
 * Armor one transferable public key as gpg --armor --export writes it:
 * no header lines, base64 in lines of 64 characters, then the CRC-24.
 */
static char *armor_key(const unsigned char *packets, size_t len)
{
	char *b64 = xmalloc(4 * ((len + 2) / 3) + 1);
	unsigned char crc_bytes[3];
	char crc_text[8];
	uint32_t crc = crc24(packets, len);
	size_t b64_len, i, out_len = 0;
	char *out;

	base64_encode_padded(packets, len, b64);
	b64_len = strlen(b64);
	crc_bytes[0] = (unsigned char)(crc >> 16);
	crc_bytes[1] = (unsigned char)(crc >> 8);
	crc_bytes[2] = (unsigned char)crc;
	base64_encode_padded(crc_bytes, 3, crc_text);

	out = xmalloc(b64_len + b64_len / 64 + 128);
	out_len += (size_t)sprintf(out, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n");
	for (i = 0; i < b64_len; i += 64) {
		size_t line = b64_len - i < 64 ? b64_len - i : 64;

		memcpy(out + out_len, b64 + i, line);
		out_len += line;
		out[out_len++] = '\n';
	}
	sprintf(out + out_len, "=%s\n-----END PGP PUBLIC KEY BLOCK-----", crc_text);
	free(b64);
	return out;
}

/*
 * Read the header of the OpenPGP packet at `p` (RFC 4880, section 4.2).
 * Returns 0 and sets the tag, header size and body size, or -1 for a
 * header that keys exported by gpg do not use or that overruns `len`.
 */
static int packet_header(const unsigned char *p, size_t len, int *tag,
			 size_t *header, size_t *body)
{
	if (len < 2 || !(p[0] & 0x80))
		return -1;
	if (p[0] & 0x40) {
		*tag = p[0] & 0x3f;
		if (p[1] < 192) {
			*header = 2;
			*body = p[1];
		} else if (p[1] < 224 && len >= 3) {
			*header = 3;
			*body = ((size_t)(p[1] - 192) << 8) + p[2] + 192;
		} else if (p[1] == 255 && len >= 6) {
			*header = 6;
			*body = (size_t)p[2] << 24 | (size_t)p[3] << 16 |
				(size_t)p[4] << 8 | p[5];
		} else {
			return -1;
		}
	} else {
		int length_type = p[0] & 3;

		*tag = (p[0] >> 2) & 0x0f;
		if (length_type == 0) {
			*header = 2;
			*body = p[1];
		} else if (length_type == 1 && len >= 3) {
			*header = 3;
			*body = (size_t)p[1] << 8 | p[2];
		} else if (length_type == 2 && len >= 5) {
			*header = 5;
			*body = (size_t)p[1] << 24 | (size_t)p[2] << 16 |
				(size_t)p[3] << 8 | p[4];
		} else {
			return -1;
		}
	}
	return *header + *body <= len ? 0 : -1;
}

/* The version 4 fingerprint: SHA-1 of 0x99, a 2-byte length and the body. */
static void key_fingerprint(const unsigned char *body, size_t len,
			    unsigned char *out)
{
	unsigned char prefix[3] = { 0x99, (unsigned char)(len >> 8),
				    (unsigned char)len };
	gcry_md_hd_t md;

	gcry_md_open(&md, GCRY_MD_SHA1, 0);
	gcry_md_write(md, prefix, sizeof(prefix));
	gcry_md_write(md, body, len);
	memcpy(out, gcry_md_read(md, GCRY_MD_SHA1), 20);
	gcry_md_close(md);
}

/* Decode the base64 body of the first armor block in `text`. */
static unsigned char *dearmor(const char *text, const char *path, size_t *len)
{
	const char *p = strstr(text, "-----BEGIN PGP PUBLIC KEY BLOCK-----");
	const char *end;
	char *b64;
	unsigned char *bin;
	size_t n = 0;
	long decoded;

	if (p)
		p = strstr(p, "\n\n");
	end = p ? strstr(p, "\n=") : NULL;
	if (!end) {
		report_error("%s: not an ASCII-armored public key block", path);
		return NULL;
	}
	b64 = xmalloc((size_t)(end - p) + 1);
	for (p += 2; p < end; p++)
		if (*p != '\n' && *p != '\r')
			b64[n++] = *p;
	bin = xmalloc(n);
	decoded = base64_decode(b64, n, bin);
	free(b64);
	if (decoded < 0) {
		report_error("%s: the armor is not valid base64", path);
		free(bin);
		return NULL;
	}
	*len = (size_t)decoded;
	return bin;
}

static void bulk_gpg_release(struct bulk_gpg *bulk)
{
	size_t i;

	for (i = 0; i < bulk->count; i++)
		free(bulk->keys[i].armor);
	free(bulk->keys);
	memset(bulk, 0, sizeof(*bulk));
}

/*
 * Load the bulk fixture: one armor block with every key, split here
 * into one armored key each at every public-key packet (tag 6).
 */
static int bulk_gpg_load(struct generator *g, struct bulk_gpg *bulk)
{
	char *path = xasprintf("%s/%s", g->fixtures, BULK_GPG_FILE);
	unsigned char *bin = NULL;
	char *text;
	size_t text_len, len, pos = 0, start = 0, cap = 0;
	int rc = -1;

	memset(bulk, 0, sizeof(*bulk));
	text = read_xz_file(path, &text_len);
	if (!text)
		goto out;
	bin = dearmor(text, path, &len);
	if (!bin)
		goto out;

	while (pos < len) {
		size_t header, body;
		int tag;

		if (packet_header(bin + pos, len - pos, &tag, &header, &body)) {
			report_error("%s: damaged OpenPGP packet at byte %zu", path, pos);
			goto out;
		}
		if (tag == 6) {
			if (pos > start) {
				bulk->keys[bulk->count - 1].armor =
					armor_key(bin + start, pos - start);
			}
			if (bulk->count == cap) {
				cap = cap ? 2 * cap : 1024;
				bulk->keys = realloc(bulk->keys, cap * sizeof(*bulk->keys));
				if (!bulk->keys) {
					report_error("out of memory reading '%s'", path);
					exit(EXIT_FAILED);
				}
			}
			memset(&bulk->keys[bulk->count], 0, sizeof(*bulk->keys));
			key_fingerprint(bin + pos + header, body,
					bulk->keys[bulk->count].fingerprint);
			bulk->count++;
			start = pos;
		} else if (!bulk->count) {
			report_error("%s: data before the first public key", path);
			goto out;
		}
		pos += header + body;
	}
	if (!bulk->count) {
		report_error("%s: no public key", path);
		goto out;
	}
	bulk->keys[bulk->count - 1].armor = armor_key(bin + start, len - start);
	rc = 0;
out:
	free(bin);
	free(text);
	free(path);
	return rc;
}

/* Bulk key k belongs to user k * 5 / 2, whose address its user ID carries. */
static int insert_bulk_gpg_keys(struct generator *g, struct scale_plan *s)
{
	const struct bulk_gpg *bulk = &s->gpg;
	char created[TS_MAX];
	int64_t first_id = 1;
	size_t i;
	long k;

	for (i = 0; i < ARRAY_SIZE(demo_gpg_keys); i++)
		if (demo_gpg_keys[i].id >= first_id)
			first_id = demo_gpg_keys[i].id + 1;

	if ((size_t)s->gpg_keys > bulk->count) {
		report_error("--scale %ld needs %ld distinct GPG keys, but %s/%s holds %zu; make more with samples/make-bulk-gpg.sh %ld",
			     s->tokens, s->gpg_keys, g->fixtures, BULK_GPG_FILE,
			     bulk->count, s->gpg_keys);
		return -1;
	}
	for (k = 0; k < s->gpg_keys; k++) {
		const struct bulk_gpg_key *key = &bulk->keys[k];
		int64_t id = first_id + k;
		long j = k * 5 / 2;

		/* Uploaded up to 600 days before --now: after the keys were
		 * made, on 2025-03-01, for the default --now. */
		timestamp_text(g, time_of_day(g, DAYS_AGO(1 + (int)rng_below(g, 600))),
			       style_for_id(id), 0, created);
		if (INSERT(g, T_GPG_KEYS, INT(id), INT(bulk_user_id(j)),
			   TEXT(key->armor), BLOB(key->fingerprint + 12, 8),
			   BLOB(key->fingerprint, 20), TEXT(created), INT(0)))
			return -1;
	}
	return 0;
}

static void scale_plan_release(struct scale_plan *s)
{
	free(s->humans);
	free(s->bots);
	free(s->user_created_ago);
	ssh_pool_release(&s->ssh_pool);
	bulk_gpg_release(&s->gpg);
	memset(s, 0, sizeof(*s));
}

/*
 * Size the instance for `tokens` tokens and load the key fixtures that
 * it repeats. Draws from the current random stream. Returns 0, or -1
 * after reporting.
 */
static int scale_plan_init(struct generator *g, struct scale_plan *s,
			   long tokens)
{
	long j;

	memset(s, 0, sizeof(*s));
	s->tokens = tokens;
	s->users = scale_count(tokens, SCALE_USERS);
	s->groups = scale_count(tokens, SCALE_GROUPS);
	s->projects = scale_count(tokens, SCALE_PROJECTS);
	s->ssh_keys = scale_count(tokens, SCALE_SSH_KEYS) -
		      (long)ARRAY_SIZE(demo_keys);
	if (s->ssh_keys < 0)
		s->ssh_keys = 0;
	s->gpg_keys = scale_count(tokens, SCALE_GPG_KEYS);

	s->humans = xmalloc((size_t)s->users * sizeof(*s->humans));
	s->bots = xmalloc((size_t)s->users * sizeof(*s->bots));
	s->user_created_ago = xmalloc((size_t)s->users *
				      sizeof(*s->user_created_ago));
	for (j = 0; j < s->users; j++) {
		enum bulk_user_kind kind = bulk_user_kind(j);

		if (kind == BULK_PROJECT_BOT || kind == BULK_GROUP_BOT)
			s->bots[s->bot_count++] = j;
		else
			s->humans[s->human_count++] = j;
		s->user_created_ago[j] = 300 + (int)rng_below(g, 1700);
	}
	/* Key k belongs to user k * 5 / 2, which must exist. */
	if ((s->gpg_keys - 1) * 5 / 2 >= s->users) {
		report_error("internal error: %ld GPG keys for %ld users",
			     s->gpg_keys, s->users);
		return -1;
	}
	return ssh_pool_load(g, &s->ssh_pool) || bulk_gpg_load(g, &s->gpg)
		? -1 : 0;
}

/*
 * Run one step of the generated rows on their own random stream, or do
 * nothing without --scale (`s` NULL).
 */
static int run_bulk(struct generator *g, struct scale_plan *s,
		    int (*step)(struct generator *, struct scale_plan *))
{
	uint64_t saved;
	int rc;

	if (!s)
		return 0;
	bulk_stream_enter(g, &saved);
	rc = step(g, s);
	bulk_stream_leave(g, saved);
	return rc;
}

/* --- Hostile sample ----------------------------------------------------- */

/*
 * --hostile writes samples/hostile.db: the demo's users, groups, projects
 * and memberships, a few more users with hostile names, and then, in
 * place of the demo's credentials, one credential per case of input that
 * a report must survive: markup and Markdown in names, text that is not
 * what it seems, huge values, SSH key lines and GPG keys in every shape,
 * dates in every form, and rows whose owner is gone. samples/README.md
 * lists every row with what it tests and the expected outcome.
 */

/* Users that only the hostile sample has. */
enum {
	U_HOSTILE_MARKUP = 901,   /* HTML in the display name */
	U_HOSTILE_HEBREW,         /* a right-to-left name */
	U_HOSTILE_ARABIC,
	U_HOSTILE_BIDI,           /* a bidi override in the username */
	U_HOSTILE_LONELY_BOT,     /* a project bot without a membership */
	U_HOSTILE_MARKDOWN,       /* Markdown in the username and name */
	/* Owner of credentials whose user row is missing. */
	U_HOSTILE_GONE = 999,
};

struct hostile_user {
	int64_t id;
	const char *username;
	const char *name;
	int user_type;
};

static const struct hostile_user hostile_users[] = {
	{ U_HOSTILE_MARKUP, "mallet",
	  "\"><img src=x onerror=alert(1)><script>alert(2)</script>", HUMAN },
	{ U_HOSTILE_HEBREW, "dawid", "\xD7\x93\xD7\x95\xD7\x93 \xD7\x9B\xD7\x94\xD7\x9F",
	  HUMAN },
	{ U_HOSTILE_ARABIC, "layla",
	  "\xD9\x84\xD9\x8A\xD9\x84\xD9\x89 \xD8\xAD\xD8\xAF\xD8\xA7\xD8\xAF",
	  HUMAN },
	{ U_HOSTILE_BIDI, "eve\xE2\x80\xAEnimda", "Eve\xE2\x80\x8B Adams", HUMAN },
	{ U_HOSTILE_LONELY_BOT, "project_77_bot_5eaf00d5eaf00d5eaf00d5eaf00d5eaf",
	  "orphan-bot", PROJECT_BOT },
	{ U_HOSTILE_MARKDOWN, "@all", "**root** | [admin](javascript:alert(1))",
	  HUMAN },
};

/* Sizes of the huge values (kind 4 of the cases). */
#define HOSTILE_NAME_BYTES (100 * 1024)
#define HOSTILE_SCOPES_CHARS 1000000
#define HOSTILE_KEY_BYTES (5 * 1024 * 1024)
/* Third-party certifications on the bloated GPG key. */
#define HOSTILE_CERTIFICATIONS 5000

/* How a hostile value is stored or made. */
enum hostile_value {
	HV_TEXT,          /* the text as it is */
	HV_BLOB,          /* the bytes of the text, as a BLOB */
	HV_HUGE,          /* generated: see the *_BYTES and *_CHARS above */
};

/* Forms of a date written relative to --now. */
enum hostile_date {
	HD_DEFAULT,       /* the form the demo uses */
	HD_NULL,
	HD_DATE,          /* 2027-02-02 */
	HD_PLAIN,         /* 2027-02-02 10:20:30 */
	HD_FRACTION,      /* 2027-02-02 10:20:30.123456 */
	HD_ZONE_00,       /* 2027-02-02 10:20:30+00 */
	HD_ISO_Z,         /* 2027-02-02T10:20:30Z */
	HD_ISO_LOWER,     /* 2027-02-02t10:20:30.5z */
	HD_OFFSET_EAST,   /* +05:30; for keys, an instant already past */
	HD_OFFSET_WEST,   /* -05:00, late on the day of --now, so the UTC
			     date is the next day */
	HD_EPOCH_INT,     /* an INTEGER of seconds, 10 days ago */
	HD_EPOCH_TEXT,    /* the same number as text, 60 days ahead */
	HD_RAW,           /* the raw text of the case */
};

struct hostile_token {
	const char *summary;          /* the case, as samples/README.md lists it */
	int64_t user_id;
	const char *name;
	enum hostile_value name_kind;
	int huge_scopes;              /* HOSTILE_SCOPES_CHARS of scopes */
	enum hostile_date expires;    /* HD_DEFAULT: a date 60 days ahead */
	const char *raw_expires;      /* for HD_RAW */
	const char *raw_created;      /* stored verbatim when set */
	const char *raw_last_used;
	const char *raw_updated;
	const char *raw_revoked;      /* revoked as text; NULL for 0 */
	int64_t previous_id;
};

static const struct hostile_token hostile_tokens[] = {
	/* 1. Markup in user text. */
	{ .summary = "HTML: img onerror", .user_id = U_BOB,
	  .name = "\"><img src=x onerror=alert(1)>" },
	{ .summary = "HTML: closes the cell, script", .user_id = U_BOB,
	  .name = "</td></tr></table><script>alert(document.cookie)</script>" },
	{ .summary = "HTML: breaks out of an attribute", .user_id = U_BOB,
	  .name = "x' onmouseover='alert(1)' \" autofocus onfocus=\"alert(2)" },
	{ .summary = "HTML: link, meta refresh, style, SVG",
	  .user_id = U_HOSTILE_MARKUP,
	  .name = "<a href=\"javascript:alert(1)\">x</a><meta http-equiv=\"refresh\" "
	  "content=\"0;url=https://evil.example/\"><style>*{background:"
	  "url(https://evil.example/t.png)}</style><svg/onload=alert(3)>" },
	/* 2. Markdown syntax in user text. */
	{ .summary = "Markdown: pipes", .user_id = U_CAROL,
	  .name = "a | b || c \\| d |" },
	{ .summary = "Markdown: line breaks", .user_id = U_CAROL,
	  .name = "first line\nsecond line\r\n\n# heading\n| x | y |\n|---|---|" },
	{ .summary = "Markdown: code spans and fences", .user_id = U_CAROL,
	  .name = "`code` ``double`` ```fence``` ~~~" },
	{ .summary = "Markdown: links and images", .user_id = U_CAROL,
	  .name = "[click](javascript:alert(1)) ![img](https://evil.example/i.png) "
	  "[ref][1] [^note]\n\n[1]: https://evil.example/" },
	{ .summary = "Markdown: autolinks", .user_id = U_CAROL,
	  .name = "<https://evil.example/> https://evil.example/x www.evil.example "
	  "admin@evil.example <b>bold</b>" },
	{ .summary = "Markdown: emphasis", .user_id = U_CAROL,
	  .name = "**bold** __strong__ *em* _em_ ~~strike~~" },
	{ .summary = "Markdown: leading heading", .user_id = U_CAROL,
	  .name = "# not a heading" },
	{ .summary = "Markdown: leading list, quote, GitLab references",
	  .user_id = U_CAROL,
	  .name = "1. one - two > quote @root #1 !2 ~label %milestone $snippet "
	  ":smile: {+ins+}" },
	/* 3. Text that is not what it seems. */
	{ .summary = "invalid UTF-8 stored as TEXT", .user_id = U_DAVE,
	  .name = "bad \xFF\xFE bytes \xC3\x28 and \xED\xA0\x80 surrogate" },
	{ .summary = "invalid UTF-8 stored as BLOB", .user_id = U_DAVE,
	  .name = "blob \xC0\xAF overlong \xF5\x80 and \x80 lone",
	  .name_kind = HV_BLOB },
	{ .summary = "C0 controls and DEL", .user_id = U_DAVE,
	  .name = "bell\x07 esc\x1B[31mred\x1B[0m del\x7F \x01\x1F tab\tcr\r" },
	{ .summary = "literal entity text", .user_id = U_DAVE,
	  .name = "&amp; &lt;script&gt; &#x41; &#65; &quot; & alone" },
	{ .summary = "bidi controls U+202A-U+202E and U+2066-U+2069",
	  .user_id = U_DAVE,
	  .name = "invoice\xE2\x80\xAE" "fdp.exe \xE2\x80\xAA" "a\xE2\x80\xAB"
	  "b\xE2\x80\xAC" "\xE2\x80\xAD" "c \xE2\x81\xA6" "d\xE2\x81\xA7"
	  "e\xE2\x81\xA8" "f\xE2\x81\xA9" },
	{ .summary = "zero-width characters", .user_id = U_DAVE,
	  .name = "ad\xE2\x80\x8Bmin\xE2\x80\x8C \xE2\x80\x8D\xEF\xBB\xBF" "x\xE2\x81\xA0" },
	{ .summary = "Hebrew name (legitimate right-to-left text)",
	  .user_id = U_HOSTILE_HEBREW,
	  .name = "\xD7\x92\xD7\x99\xD7\x91\xD7\x95\xD7\x99 "
	  "\xD7\x9C\xD7\x99\xD7\x9C\xD7\x99" },
	{ .summary = "Arabic name (legitimate right-to-left text)",
	  .user_id = U_HOSTILE_ARABIC,
	  .name = "\xD9\x86\xD8\xB3\xD8\xAE \xD8\xA7\xD8\xAD\xD8\xAA\xD9\x8A"
	  "\xD8\xA7\xD8\xB7\xD9\x8A 2" },
	/* 4. Size. */
	{ .summary = "a 100 KB name", .user_id = U_ERIN, .name = NULL,
	  .name_kind = HV_HUGE },
	{ .summary = "a million-character scope list", .user_id = U_ERIN,
	  .name = "scopes", .huge_scopes = 1 },
	/* 7. Dates in every form, in expires_at unless said. */
	{ .summary = "date", .user_id = U_FRANK, .name = "date",
	  .expires = HD_DATE },
	{ .summary = "timestamp", .user_id = U_FRANK, .name = "plain",
	  .expires = HD_PLAIN },
	{ .summary = "timestamp with a fraction", .user_id = U_FRANK,
	  .name = "fraction", .expires = HD_FRACTION },
	{ .summary = "timestamp with zone +00", .user_id = U_FRANK,
	  .name = "zone", .expires = HD_ZONE_00 },
	{ .summary = "timestamp with T and Z", .user_id = U_FRANK,
	  .name = "iso", .expires = HD_ISO_Z },
	{ .summary = "timestamp with t, z and a fraction", .user_id = U_FRANK,
	  .name = "iso-lower", .expires = HD_ISO_LOWER },
	{ .summary = "timestamp with offset +05:30", .user_id = U_FRANK,
	  .name = "offset-east", .expires = HD_OFFSET_EAST },
	{ .summary = "timestamp with offset -05:00 on the next UTC day",
	  .user_id = U_FRANK, .name = "offset-west",
	  .expires = HD_OFFSET_WEST },
	{ .summary = "INTEGER epoch seconds", .user_id = U_FRANK,
	  .name = "epoch-integer", .expires = HD_EPOCH_INT },
	{ .summary = "epoch seconds as text", .user_id = U_FRANK,
	  .name = "epoch-text", .expires = HD_EPOCH_TEXT },
	{ .summary = "empty string", .user_id = U_FRANK, .name = "empty-date",
	  .expires = HD_RAW, .raw_expires = "" },
	{ .summary = "'0000-00-00'", .user_id = U_FRANK, .name = "zero-date",
	  .expires = HD_RAW, .raw_expires = "0000-00-00" },
	{ .summary = "NULL", .user_id = U_FRANK, .name = "null-date",
	  .expires = HD_NULL },
	{ .summary = "garbage", .user_id = U_FRANK, .name = "garbage-date",
	  .expires = HD_RAW, .raw_expires = "next tuesday <b>" },
	{ .summary = "a day that does not exist", .user_id = U_FRANK,
	  .name = "impossible-date", .expires = HD_RAW,
	  .raw_expires = "2026-02-30" },
	{ .summary = "garbage in created_at, last_used_at and the updated_at of a "
	  "revoked token", .user_id = U_FRANK, .name = "garbage-everywhere",
	  .raw_created = "yesterday-ish", .raw_last_used = "\xFF",
	  .raw_updated = "0000-00-00 00:00:00", .raw_revoked = "t" },
	{ .summary = "revoked neither true nor false", .user_id = U_FRANK,
	  .name = "revoked-maybe", .raw_revoked = "maybe" },
	/* 8. Rows whose foreign keys point at nothing. */
	{ .summary = "owner not in users", .user_id = U_HOSTILE_GONE,
	  .name = "orphan-token" },
	{ .summary = "project bot without a membership",
	  .user_id = U_HOSTILE_LONELY_BOT, .name = "lonely-bot" },
	{ .summary = "rotated from a token that does not exist",
	  .user_id = U_GRACE, .name = "rotated-from-nowhere",
	  .previous_id = 424242 },
	/* 3 and 1 again, in the owner. */
	{ .summary = "owner with a bidi override in the username",
	  .user_id = U_HOSTILE_BIDI, .name = "eve-cli" },
	{ .summary = "owner with Markdown in the username and name",
	  .user_id = U_HOSTILE_MARKDOWN, .name = "markdown-owner" },
	{ .summary = "owner with HTML in the name", .user_id = U_HOSTILE_MARKUP,
	  .name = "markup-owner" },
};

/* SSH key lines: the shape of a case, built from a fixture key. */
enum hostile_ssh_shape {
	HS_AS_IS,            /* the fixture line */
	HS_OPTIONS,          /* an authorized_keys options prefix */
	HS_COMMENT_SPACES,
	HS_CRLF,
	HS_TRAILING_SPACE,
	HS_WRAPPED,          /* base64 over lines of 60 characters */
	HS_RFC4716,
	HS_TYPE_MISMATCH,    /* the word of another type */
	HS_TRUNCATED,        /* base64 cut short */
	HS_PADDED,           /* two '=' that do not belong */
	HS_LEADING_ZERO,     /* RSA modulus with an extra zero byte */
	HS_RSA_1023,         /* RSA modulus of 1023 bits */
	HS_UNKNOWN_TYPE,
	HS_HUGE,             /* an RSA blob of HOSTILE_KEY_BYTES of base64 */
	HS_RAW,              /* the text of the case */
	HS_NULL,
};

struct hostile_key {
	const char *summary;          /* the case, as samples/README.md lists it */
	enum hostile_ssh_shape shape;
	const char *fixture;          /* under fixtures/ssh */
	int64_t user_id;
	const char *type;             /* keys.type */
	const char *title;
	const char *raw;              /* the key text of HS_RAW, or the
					 expires_at of HD_RAW */
	enum hostile_date expires;
};

#define ALICE_ED25519 "alice-laptop-ed25519.pub"
#define BOB_RSA2048 "bob-laptop-rsa2048.pub"

static const struct hostile_key hostile_keys[] = {
	{ .summary = "options prefix with quoted commas and escaped quotes",
	  .shape = HS_OPTIONS, .fixture = ALICE_ED25519, .user_id = U_ALICE,
	  .title = "with options" },
	{ .summary = "comment with spaces", .shape = HS_COMMENT_SPACES,
	  .fixture = ALICE_ED25519, .user_id = U_ALICE,
	  .title = "comment with spaces" },
	{ .summary = "CRLF line end", .shape = HS_CRLF,
	  .fixture = ALICE_ED25519, .user_id = U_ALICE, .type = "Key",
	  .title = "crlf" },
	{ .summary = "trailing whitespace and blank lines",
	  .shape = HS_TRAILING_SPACE, .fixture = BOB_RSA2048, .user_id = U_BOB,
	  .title = "trailing whitespace" },
	{ .summary = "base64 wrapped over lines", .shape = HS_WRAPPED,
	  .fixture = BOB_RSA2048, .user_id = U_BOB, .title = "wrapped" },
	{ .summary = "RFC 4716 form with headers", .shape = HS_RFC4716,
	  .fixture = BOB_RSA2048, .user_id = U_BOB, .title = "rfc4716" },
	{ .summary = "type word disagrees with the blob",
	  .shape = HS_TYPE_MISMATCH, .fixture = BOB_RSA2048, .user_id = U_BOB,
	  .title = "type mismatch" },
	{ .summary = "truncated base64", .shape = HS_TRUNCATED,
	  .fixture = ALICE_ED25519, .user_id = U_ALICE, .title = "truncated" },
	{ .summary = "padded base64", .shape = HS_PADDED,
	  .fixture = ALICE_ED25519, .user_id = U_ALICE, .title = "padded" },
	{ .summary = "RSA modulus with a leading zero byte",
	  .shape = HS_LEADING_ZERO, .fixture = BOB_RSA2048, .user_id = U_BOB,
	  .title = "leading zero" },
	{ .summary = "RSA modulus of 1023 bits", .shape = HS_RSA_1023,
	  .fixture = BOB_RSA2048, .user_id = U_BOB, .title = "odd bit count" },
	{ .summary = "unknown key type", .shape = HS_UNKNOWN_TYPE,
	  .fixture = ALICE_ED25519, .user_id = U_ALICE,
	  .title = "unknown type" },
	{ .summary = "a 5 MB key field", .shape = HS_HUGE,
	  .fixture = BOB_RSA2048, .user_id = U_BOB, .title = "huge" },
	{ .summary = "not a key at all", .shape = HS_RAW, .fixture = NULL,
	  .user_id = U_ALICE, .title = "garbage",
	  .raw = "<script>alert(1)</script> not a key" },
	{ .summary = "key NULL", .shape = HS_NULL, .fixture = NULL,
	  .user_id = U_ALICE, .title = "no key" },
	{ .summary = "HTML and Markdown in the title of a deploy key",
	  .shape = HS_AS_IS, .fixture = "deploy-mirror-ed25519.pub",
	  .user_id = U_ALICE, .type = "DeployKey",
	  .title = "<img src=x onerror=alert(1)> | [x](javascript:alert(1))" },
	{ .summary = "expires_at with an offset, already past",
	  .shape = HS_AS_IS, .fixture = "carol-laptop-ecdsa256.pub",
	  .user_id = U_CAROL, .title = "offset expiry",
	  .expires = HD_OFFSET_EAST },
	{ .summary = "expires_at garbage", .shape = HS_AS_IS,
	  .fixture = "chen-laptop-ed25519.pub", .user_id = U_CHEN,
	  .title = "garbage expiry", .raw = "soon", .expires = HD_RAW },
	{ .summary = "owner user not in the snapshot", .shape = HS_AS_IS,
	  .fixture = "hiro-laptop-ed25519.pub", .user_id = U_HOSTILE_GONE,
	  .title = "orphan key" },
	{ .summary = "title with bidi controls", .shape = HS_AS_IS,
	  .fixture = "zoe-laptop-ed25519.pub", .user_id = U_ZOE,
	  .title = "laptop\xE2\x80\xAE" "yek-toor" },
};

/* GPG keys: the shape of a case, built from a fixture key. */
enum hostile_gpg_shape {
	HG_AS_IS,
	HG_CRLF,
	HG_HEADERS,          /* extra armor header lines */
	HG_TRUNCATED,        /* cut in the middle, no END line */
	HG_BINARY,           /* the packets as a BLOB */
	HG_ALGORITHM_27,     /* a version 4 key of RFC 9580's Ed25519 */
	HG_VERSION_5,        /* a version 5 key */
	HG_BLOATED,          /* HOSTILE_CERTIFICATIONS certifications */
	HG_GOOD_THEN_BAD,    /* the fixture, then an algorithm 27 key */
	HG_RAW,
};

struct hostile_gpg {
	const char *summary;          /* the case, as samples/README.md lists it */
	enum hostile_gpg_shape shape;
	const char *fixture;          /* under fixtures/, with its folder */
	int64_t user_id;
	const char *raw;              /* for HG_RAW */
};

static const struct hostile_gpg hostile_gpg_keys[] = {
	{ .summary = "a good key (control)", .shape = HG_AS_IS,
	  .fixture = "gpg/bob-rsa2048.asc", .user_id = U_BOB },
	{ .summary = "several keys in one armor", .shape = HG_AS_IS,
	  .fixture = "hostile/two-keys.asc", .user_id = U_FRANK },
	{ .summary = "CRLF armor", .shape = HG_CRLF,
	  .fixture = "gpg/carol-rsa3072.asc", .user_id = U_CAROL },
	{ .summary = "extra armor headers", .shape = HG_HEADERS,
	  .fixture = "gpg/dave-ed25519.asc", .user_id = U_DAVE },
	{ .summary = "truncated armor", .shape = HG_TRUNCATED,
	  .fixture = "gpg/ivan-mixed-case.asc", .user_id = U_IVAN },
	{ .summary = "binary packets instead of armor", .shape = HG_BINARY,
	  .fixture = "gpg/erin-dsa2048-elg.asc", .user_id = U_ERIN },
	{ .summary = "user ID without an e-mail address", .shape = HG_AS_IS,
	  .fixture = "gpg/walter-no-email.asc", .user_id = U_WALTER },
	{ .summary = "user ID that is a bare address", .shape = HG_AS_IS,
	  .fixture = "hostile/bare-address.asc", .user_id = U_BOB },
	{ .summary = "user ID with ISO 8859-1 bytes", .shape = HG_AS_IS,
	  .fixture = "hostile/latin1-uid.asc", .user_id = U_CAROL },
	{ .summary = "revoked user ID", .shape = HG_AS_IS,
	  .fixture = "gpg/heidi-revoked-uid.asc", .user_id = U_HEIDI },
	{ .summary = "expired subkey next to a valid one", .shape = HG_AS_IS,
	  .fixture = "gpg/zoe-expired-subkey.asc", .user_id = U_ZOE },
	{ .summary = "expired primary key", .shape = HG_AS_IS,
	  .fixture = "gpg/frank-expired.asc", .user_id = U_FRANK },
	{ .summary = "algorithm 27 (Ed25519 of RFC 9580), unknown to GnuPG 2.2",
	  .shape = HG_ALGORITHM_27, .fixture = NULL, .user_id = U_HIRO },
	{ .summary = "version 5 key", .shape = HG_VERSION_5, .fixture = NULL,
	  .user_id = U_HIRO },
	{ .summary = "thousands of third-party certifications",
	  .shape = HG_BLOATED, .fixture = "gpg/aaron-noreply.asc",
	  .user_id = U_AARON },
	{ .summary = "good key and an unsupported key in one armor",
	  .shape = HG_GOOD_THEN_BAD, .fixture = "gpg/judy-unconfirmed.asc",
	  .user_id = U_JUDY },
	{ .summary = "HTML in the user ID", .shape = HG_AS_IS,
	  .fixture = "hostile/markup-uid.asc", .user_id = U_DAVE },
	{ .summary = "bidi override in the user ID", .shape = HG_AS_IS,
	  .fixture = "hostile/bidi-uid.asc", .user_id = U_ERIN },
	{ .summary = "owner user not in the snapshot", .shape = HG_AS_IS,
	  .fixture = "gpg/grace-revoked.asc", .user_id = U_HOSTILE_GONE },
	{ .summary = "not OpenPGP at all", .shape = HG_RAW, .fixture = NULL,
	  .user_id = U_IVAN,
	  .raw = "<script>alert(1)</script>\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n" },
	{ .summary = "empty text", .shape = HG_RAW, .fixture = NULL,
	  .user_id = U_IVAN, .raw = "" },
};

/* A byte string that grows. */
struct bytes {
	unsigned char *data;
	size_t len, cap;
};

static void bytes_add(struct bytes *b, const void *data, size_t len)
{
	if (b->cap - b->len < len) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap - b->len < len)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data) {
			report_error("out of memory building a hostile value");
			exit(EXIT_FAILED);
		}
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

static void bytes_add_byte(struct bytes *b, unsigned char c)
{
	bytes_add(b, &c, 1);
}

static void bytes_add_u32(struct bytes *b, uint32_t v)
{
	unsigned char be[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
				(unsigned char)(v >> 8), (unsigned char)v };

	bytes_add(b, be, 4);
}

/* An SSH "string": a uint32 length, then the bytes. */
static void bytes_add_ssh_string(struct bytes *b, const void *data, size_t len)
{
	bytes_add_u32(b, (uint32_t)len);
	bytes_add(b, data, len);
}

/* Base64 with padding, as a new NUL-terminated string. */
static char *base64_text(const unsigned char *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);

	base64_encode_padded(data, len, out);
	return out;
}

/* The fields of an RSA blob: exponent and modulus without their zeros. */
static int split_rsa_blob(const struct ssh_key *key, struct bytes *e,
			  struct bytes *n)
{
	const unsigned char *p = key->blob, *end = key->blob + key->blob_len;
	struct bytes *fields[] = { NULL, e, n };
	size_t i;

	for (i = 0; i < 3; i++) {
		uint32_t len;

		if (end - p < 4)
			return -1;
		len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		      (uint32_t)p[2] << 8 | p[3];
		p += 4;
		if ((size_t)(end - p) < len)
			return -1;
		if (fields[i]) {
			while (len && !*p) {
				p++;
				len--;
			}
			bytes_add(fields[i], p, len);
		}
		p += len;
	}
	return 0;
}

/*
 * An RSA blob with exponent `e` and a modulus of `n_len` bytes: the
 * bytes of `n`, or a deterministic pattern when n is NULL, with `zeros`
 * zero bytes in front and the top bit or bits cleared by `top_mask`.
 */
static void make_rsa_blob(struct bytes *blob, const struct bytes *e,
			  const unsigned char *n, size_t n_len, size_t zeros,
			  unsigned char top_mask)
{
	static const char type[] = "ssh-rsa";
	size_t i;

	bytes_add_ssh_string(blob, type, strlen(type));
	bytes_add_ssh_string(blob, e->data, e->len);
	bytes_add_u32(blob, (uint32_t)(zeros + n_len));
	for (i = 0; i < zeros; i++)
		bytes_add_byte(blob, 0);
	for (i = 0; i < n_len; i++) {
		unsigned char c = n ? n[i] : (unsigned char)(i * 131 + 7);

		if (i == 0)
			c = (unsigned char)((c & top_mask) | 0x40);
		bytes_add_byte(blob, c);
	}
}

/* Insert base64 line breaks every `width` characters. */
static char *wrap_text(const char *text, size_t width, const char *newline)
{
	size_t len = strlen(text), nl = strlen(newline), i, out_len = 0;
	char *out = xmalloc(len + (len / width + 1) * nl + 1);

	for (i = 0; i < len; i += width) {
		size_t n = len - i < width ? len - i : width;

		if (i) {
			memcpy(out + out_len, newline, nl);
			out_len += nl;
		}
		memcpy(out + out_len, text + i, n);
		out_len += n;
	}
	out[out_len] = '\0';
	return out;
}

/* The key text of one hostile SSH case, which the caller frees. */
static char *hostile_ssh_text(const struct hostile_key *k,
			      const struct ssh_key *fixture)
{
	const char *line = fixture->line ? fixture->line : "";
	const char *blob_text = strchr(line, ' ') ? strchr(line, ' ') + 1 : line;
	size_t blob_len = strcspn(blob_text, " ");
	struct bytes e = { 0 }, n = { 0 }, blob = { 0 };
	char *b64 = NULL, *wrapped = NULL, *out = NULL;

	switch (k->shape) {
	case HS_AS_IS:
		return xasprintf("%s", line);
	case HS_OPTIONS:
		return xasprintf("command=\"echo \\\"a, b\\\"; ls -l\",no-pty,"
				 "from=\"192.0.2.0/24,198.51.100.7\","
				 "environment=\"X=1,2\" %s", line);
	case HS_COMMENT_SPACES:
		return xasprintf("%.*s Alice's work laptop (2025, 3rd floor)",
				 (int)(blob_text - line + blob_len), line);
	case HS_CRLF:
		return xasprintf("%s\r\n", line);
	case HS_TRAILING_SPACE:
		return xasprintf("%s  \t \n\n\t\n", line);
	case HS_WRAPPED:
		b64 = xasprintf("%.*s", (int)blob_len, blob_text);
		wrapped = wrap_text(b64, 60, "\n");
		out = xasprintf("ssh-rsa %s bob@laptop", wrapped);
		break;
	case HS_RFC4716:
		b64 = xasprintf("%.*s", (int)blob_len, blob_text);
		wrapped = wrap_text(b64, 70, "\n");
		out = xasprintf("---- BEGIN SSH2 PUBLIC KEY ----\n"
				"Subject: bob\n"
				"Comment: \"2048-bit RSA, converted by bob@laptop \\\n"
				"from OpenSSH\"\n"
				"%s\n---- END SSH2 PUBLIC KEY ----\n", wrapped);
		break;
	case HS_TYPE_MISMATCH:
		return xasprintf("ssh-ed25519 %s", blob_text);
	case HS_TRUNCATED:
		return xasprintf("%.*s alice@laptop",
				 (int)(blob_text - line + blob_len - 7), line);
	case HS_PADDED:
		return xasprintf("%.*s== alice@laptop",
				 (int)(blob_text - line + blob_len), line);
	case HS_LEADING_ZERO:
	case HS_RSA_1023:
	case HS_HUGE:
		if (split_rsa_blob(fixture, &e, &n)) {
			report_error("internal error: %s is not an RSA key", k->fixture);
			exit(EXIT_FAILED);
		}
		if (k->shape == HS_LEADING_ZERO)
			make_rsa_blob(&blob, &e, n.data, n.len, 2, 0xFF);
		else if (k->shape == HS_RSA_1023)
			make_rsa_blob(&blob, &e, n.data, 128, 0, 0x7F);
		else
			make_rsa_blob(&blob, &e, NULL,
				      HOSTILE_KEY_BYTES / 4 * 3 - 40, 0, 0x7F);
		b64 = base64_text(blob.data, blob.len);
		out = xasprintf("ssh-rsa %s bob@laptop", b64);
		break;
	case HS_UNKNOWN_TYPE:
		bytes_add_ssh_string(&blob, "ssh-foo@example.com", 19);
		bytes_add_ssh_string(&blob, fixture->blob + fixture->blob_len - 32, 32);
		b64 = base64_text(blob.data, blob.len);
		out = xasprintf("ssh-foo@example.com %s alice@laptop", b64);
		break;
	case HS_RAW:
		return xasprintf("%s", k->raw);
	case HS_NULL:
		return NULL;
	}
	free(e.data);
	free(n.data);
	free(blob.data);
	free(b64);
	free(wrapped);
	return out;
}

/*
 * Write a date of `form` relative to --now into `out` (TS_MAX bytes):
 * 60 days ahead, except the epoch integer (10 days ago) and the offsets,
 * which sit near --now so that the offset decides the outcome. Returns
 * the value to store.
 */
static struct value hostile_date(struct generator *g, enum hostile_date form,
				 const char *raw, int for_key, char *out)
{
	int64_t t = g->now + 60 * DAY;
	struct tm tm;

	split_time(t, &tm);
	switch (form) {
	case HD_DEFAULT:
	case HD_NULL:
		return NULL_VALUE;
	case HD_DATE:
		format_date(t, out);
		break;
	case HD_PLAIN:
	case HD_FRACTION:
	case HD_ZONE_00:
		snprintf(out, TS_MAX, "%04d-%02d-%02d %02d:%02d:%02d%s",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec,
			 form == HD_FRACTION ? ".123456" :
			 form == HD_ZONE_00 ? "+00" : "");
		break;
	case HD_ISO_Z:
	case HD_ISO_LOWER:
		snprintf(out, TS_MAX, "%04d-%02d-%02d%c%02d:%02d:%02d%s",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 form == HD_ISO_Z ? 'T' : 't', tm.tm_hour, tm.tm_min,
			 tm.tm_sec, form == HD_ISO_Z ? "Z" : ".5z");
		break;
	case HD_OFFSET_EAST:
		/* One hour before --now, written in +05:30 local time. A
		 * reader that drops the offset sees 4.5 hours after --now. */
		split_time(g->now - 3600 + 5 * 3600 + 1800, &tm);
		snprintf(out, TS_MAX, "%04d-%02d-%02d %02d:%02d:%02d+05:30",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec);
		if (!for_key) {
			/* For a token only the UTC date counts: 60 days on. */
			split_time(t + 5 * 3600 + 1800, &tm);
			snprintf(out, TS_MAX, "%04d-%02d-%02d %02d:%02d:%02d+05:30",
				 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				 tm.tm_hour, tm.tm_min, tm.tm_sec);
		}
		break;
	case HD_OFFSET_WEST:
		/* 23:00 at -05:00 on the UTC date of --now is 04:00 UTC on
		 * the next day, so the token has not expired yet. */
		split_time(g->today, &tm);
		snprintf(out, TS_MAX, "%04d-%02d-%02d 23:00:00-05:00",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		break;
	case HD_EPOCH_INT:
		return INT(g->now - 10 * DAY);
	case HD_EPOCH_TEXT:
		snprintf(out, TS_MAX, "%lld", (long long)t);
		break;
	case HD_RAW:
		return TEXT(raw);
	}
	return TEXT(out);
}

static int insert_hostile_users(struct generator *g)
{
	char created[TS_MAX], confirmed[TS_MAX];
	size_t i;

	format_timestamp(g->now - 400 * DAY, 0, TS_POSTGRES, 0, created);
	format_timestamp(g->now - 400 * DAY + 600, 0, TS_POSTGRES, 0, confirmed);
	for (i = 0; i < ARRAY_SIZE(hostile_users); i++) {
		const struct hostile_user *u = &hostile_users[i];
		char *email = xasprintf("user%lld@acme.example", (long long)u->id);
		int rc;

		rc = INSERT(g, T_USERS, INT(u->id), TEXT(u->username),
			    TEXT(u->name), TEXT(email), TEXT("active"),
			    INT(u->user_type), INT(0), TEXT(confirmed),
			    TEXT(created), NULL_VALUE, NULL_VALUE, INT(0));
		free(email);
		if (rc)
			return -1;
	}
	return 0;
}

/* The million-character scope list: known scopes, one per line. */
static char *huge_scopes(void)
{
	static const char *const scopes[] = { "api", "read_api", "read_user",
					      "read_repository" };
	struct bytes b = { 0 };
	size_t i;

	bytes_add(&b, "---\n", 4);
	for (i = 0; b.len < HOSTILE_SCOPES_CHARS; i++) {
		const char *s = scopes[i % ARRAY_SIZE(scopes)];

		bytes_add(&b, "- ", 2);
		bytes_add(&b, s, strlen(s));
		bytes_add_byte(&b, '\n');
	}
	bytes_add_byte(&b, 0);
	return (char *)b.data;
}

/* A 100 KB name: words of a label, then an end that only a reader of
 * the whole value sees. */
static char *huge_name(void)
{
	struct bytes b = { 0 };
	static const char end[] = "<script>alert('end')</script>";

	while (b.len < HOSTILE_NAME_BYTES - sizeof(end))
		bytes_add(&b, "very-long-name ", 15);
	bytes_add(&b, end, sizeof(end));
	return (char *)b.data;
}

static int insert_hostile_tokens(struct generator *g)
{
	char created[TS_MAX], used[TS_MAX], expires[TS_MAX];
	char *name_huge = huge_name(), *scopes_huge = huge_scopes();
	int64_t id = 1;
	size_t i;
	int rc = 0;

	format_timestamp(g->now - 30 * DAY, 0, TS_POSTGRES, 0, created);
	format_timestamp(g->now - 2 * DAY, 0, TS_POSTGRES, 1, used);
	for (i = 0; i < ARRAY_SIZE(hostile_tokens) && !rc; i++, id++) {
		const struct hostile_token *t = &hostile_tokens[i];
		enum hostile_date form = t->expires ? t->expires : HD_DATE;
		struct value name = TEXT(t->name);

		if (t->name_kind == HV_BLOB)
			name = BLOB(t->name, strlen(t->name));
		else if (t->name_kind == HV_HUGE)
			name = TEXT(name_huge);
		rc = INSERT(g, T_TOKENS, INT(id), INT(t->user_id), name,
			    TEXT(t->summary),
			    t->raw_revoked ? TEXT(t->raw_revoked) : INT(0),
			    hostile_date(g, form, t->raw_expires, 0, expires),
			    TEXT(t->raw_created ? t->raw_created : created),
			    TEXT(t->raw_updated ? t->raw_updated : created),
			    TEXT(t->raw_last_used ? t->raw_last_used : used),
			    TEXT(t->huge_scopes ? scopes_huge : SCOPES_READ_API),
			    INT(0),
			    t->previous_id ? INT(t->previous_id) : NULL_VALUE,
			    INT(ORGANIZATION_ID));
	}
	free(name_huge);
	free(scopes_huge);
	return rc;
}

static int insert_hostile_keys(struct generator *g)
{
	char created[TS_MAX], used[TS_MAX], expires[TS_MAX];
	int64_t id = 1;
	size_t i;
	int rc = 0;

	format_timestamp(g->now - 100 * DAY, 0, TS_POSTGRES, 0, created);
	format_timestamp(g->now - 3 * DAY, 0, TS_POSTGRES, 1, used);
	for (i = 0; i < ARRAY_SIZE(hostile_keys) && !rc; i++, id++) {
		const struct hostile_key *k = &hostile_keys[i];
		struct ssh_key fixture = { 0 };
		char md5_text[48];
		char *text;
		int own_blob;

		if (k->fixture && load_ssh_fixture(g, k->fixture, &fixture))
			return -1;
		text = hostile_ssh_text(k, &fixture);
		/* GitLab computed the stored fingerprints from the key it
		 * accepted; for reshaped keys they are those of the fixture,
		 * also when only a zero byte in front of the modulus was
		 * added, which no fingerprint counts. New blobs and broken
		 * text have none. */
		own_blob = k->fixture && k->shape != HS_RSA_1023 &&
			   k->shape != HS_HUGE &&
			   k->shape != HS_UNKNOWN_TYPE &&
			   k->shape != HS_TRUNCATED && k->shape != HS_PADDED;
		if (own_blob)
			format_md5(fixture.md5, md5_text);
		rc = INSERT(g, T_KEYS, INT(id), INT(k->user_id), TEXT(text),
			    TEXT(k->title), TEXT(k->type),
			    TEXT(own_blob ? md5_text : NULL),
			    own_blob ? BLOB(fixture.sha256, 32) : NULL_VALUE,
			    TEXT(created), TEXT(created), TEXT(used),
			    hostile_date(g, k->expires, k->raw, 1, expires),
			    INT(0));
		free(text);
		ssh_key_release(&fixture);
	}
	return rc;
}

/* An OpenPGP packet with a new-format header (RFC 4880, section 4.2.2). */
static void bytes_add_packet(struct bytes *b, int tag, const struct bytes *body)
{
	bytes_add_byte(b, (unsigned char)(0xC0 | tag));
	if (body->len < 192) {
		bytes_add_byte(b, (unsigned char)body->len);
	} else if (body->len < 8384) {
		bytes_add_byte(b, (unsigned char)(((body->len - 192) >> 8) + 192));
		bytes_add_byte(b, (unsigned char)(body->len - 192));
	} else {
		bytes_add_byte(b, 0xFF);
		bytes_add_u32(b, (uint32_t)body->len);
	}
	bytes_add(b, body->data, body->len);
}

/* An MPI (RFC 4880, section 3.2) of `len` bytes whose top bit is set. */
static void bytes_add_mpi(struct bytes *b, const unsigned char *data,
			  size_t len)
{
	bytes_add_byte(b, (unsigned char)((len * 8) >> 8));
	bytes_add_byte(b, (unsigned char)(len * 8));
	bytes_add(b, data, len);
}

/* Bytes of a deterministic pattern, for key material nobody checks. */
static void pattern_bytes(unsigned char *out, size_t len, uint64_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		out[i] = (unsigned char)(seed >> 56);
	}
	out[0] |= 0x80;
}

/*
 * A signature packet body of `version` over nothing in particular:
 * creation time, the issuer fingerprint and key ID, and signature bytes
 * of a pattern. GnuPG cannot check it without the issuer's key, which
 * is what any certification by a key outside the keyring looks like.
 */
static void make_signature(struct bytes *body, int version, int sig_class,
			   int algorithm, const unsigned char issuer[20],
			   uint32_t created, uint64_t seed)
{
	struct bytes hashed = { 0 };
	unsigned char sig[64];

	/* Signature creation time, then issuer fingerprint (RFC 9580). */
	bytes_add_byte(&hashed, 5);
	bytes_add_byte(&hashed, 2);
	bytes_add_u32(&hashed, created);
	bytes_add_byte(&hashed, 22);
	bytes_add_byte(&hashed, 33);
	bytes_add_byte(&hashed, 4);
	bytes_add(&hashed, issuer, 20);

	bytes_add_byte(body, (unsigned char)version);
	bytes_add_byte(body, (unsigned char)sig_class);
	bytes_add_byte(body, (unsigned char)algorithm);
	bytes_add_byte(body, 8);    /* SHA-256 */
	bytes_add_byte(body, (unsigned char)(hashed.len >> 8));
	bytes_add_byte(body, (unsigned char)hashed.len);
	bytes_add(body, hashed.data, hashed.len);
	/* Unhashed: the issuer key ID, the low 8 bytes of the fingerprint. */
	bytes_add_byte(body, 0);
	bytes_add_byte(body, 10);
	bytes_add_byte(body, 9);
	bytes_add_byte(body, 16);
	bytes_add(body, issuer + 12, 8);
	pattern_bytes(sig, sizeof(sig), seed);
	bytes_add(body, sig, 2);    /* the left 16 bits of the hash */
	if (algorithm == 27) {
		bytes_add(body, sig, 64);
	} else {
		bytes_add_mpi(body, sig, 32);
		bytes_add_mpi(body, sig + 32, 32);
	}
	free(hashed.data);
}

/*
 * A transferable public key of `version` 4 or 5 with public-key
 * `algorithm`: the key packet, one user ID and a self-signature.
 * Algorithm 27 is Ed25519 as RFC 9580 defines it, with the 32 bytes of
 * the key as they are; algorithm 22 is EdDSA with the Ed25519 OID.
 */
static void make_key(struct bytes *out, int version, int algorithm,
		     const char *uid, uint32_t created, uint64_t seed)
{
	static const unsigned char ed25519_oid[] = {
		0x09, 0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01
	};
	struct bytes key = { 0 }, material = { 0 }, user = { 0 }, sig = { 0 };
	unsigned char point[33], fingerprint[20];

	pattern_bytes(point, sizeof(point), seed);
	if (algorithm == 27) {
		bytes_add(&material, point + 1, 32);
	} else {
		point[0] = 0x40;    /* native point encoding */
		bytes_add(&material, ed25519_oid, sizeof(ed25519_oid));
		bytes_add_byte(&material, 0x01);
		bytes_add_byte(&material, 0x07);    /* 263 bits */
		bytes_add(&material, point, sizeof(point));
	}
	bytes_add_byte(&key, (unsigned char)version);
	bytes_add_u32(&key, created);
	bytes_add_byte(&key, (unsigned char)algorithm);
	if (version == 5)
		bytes_add_u32(&key, (uint32_t)material.len);
	bytes_add(&key, material.data, material.len);
	key_fingerprint(key.data, key.len, fingerprint);

	bytes_add(&user, uid, strlen(uid));
	make_signature(&sig, version, 0x13, algorithm, fingerprint, created,
		       seed + 1);
	bytes_add_packet(out, 6, &key);
	bytes_add_packet(out, 13, &user);
	bytes_add_packet(out, 2, &sig);
	free(key.data);
	free(material.data);
	free(user.data);
	free(sig.data);
}

/*
 * Insert `count` third-party certifications after the self-signature of
 * the first user ID in the packets `in`.
 */
static int add_certifications(const unsigned char *in, size_t len,
			      size_t count, uint32_t created,
			      struct bytes *out, const char *path)
{
	size_t pos = 0, i;
	int seen_uid = 0, tag;

	while (pos < len) {
		size_t header, body;

		if (packet_header(in + pos, len - pos, &tag, &header, &body)) {
			report_error("%s: damaged OpenPGP packet at byte %zu", path, pos);
			return -1;
		}
		bytes_add(out, in + pos, header + body);
		pos += header + body;
		if (tag == 13)
			seen_uid = 1;
		if (seen_uid && tag == 2)
			break;
	}
	for (i = 0; i < count; i++) {
		struct bytes sig = { 0 };
		unsigned char issuer[20];

		pattern_bytes(issuer, sizeof(issuer), 1000 + i);
		make_signature(&sig, 4, 0x10, 22, issuer, created + (uint32_t)i,
			       5000 + i);
		bytes_add_packet(out, 2, &sig);
		free(sig.data);
	}
	bytes_add(out, in + pos, len - pos);
	return 0;
}

/* Replace every "\n" of `text` with "\r\n". */
static char *crlf_text(const char *text)
{
	struct bytes b = { 0 };

	for (; *text; text++) {
		if (*text == '\n')
			bytes_add_byte(&b, '\r');
		bytes_add_byte(&b, (unsigned char)*text);
	}
	bytes_add_byte(&b, 0);
	return (char *)b.data;
}

/* Key creation time of the hand-made keys: 2025-03-01T12:00:00Z. */
#define HOSTILE_KEY_CREATED 1740830400u

static int insert_hostile_gpg_key(struct generator *g, int64_t id,
				  const struct hostile_gpg *k)
{
	char *path = NULL, *armor = NULL, *text = NULL;
	unsigned char *bin = NULL, fingerprint[20];
	struct bytes packets = { 0 };
	struct value key_value;
	char created[TS_MAX];
	int have_fingerprint = 0, rc = -1;
	size_t len = 0, header, body;
	int tag;

	if (k->fixture) {
		path = xasprintf("%s/%s", g->fixtures, k->fixture);
		armor = read_file(path, NULL);
		if (!armor)
			goto out;
		strip_trailing_space(armor);
		bin = dearmor(armor, path, &len);
		if (!bin)
			goto out;
		if (!packet_header(bin, len, &tag, &header, &body) && tag == 6) {
			key_fingerprint(bin + header, body, fingerprint);
			have_fingerprint = 1;
		}
	}

	switch (k->shape) {
	case HG_AS_IS:
		text = xasprintf("%s", armor);
		break;
	case HG_CRLF:
		text = crlf_text(armor);
		break;
	case HG_HEADERS:
		text = xasprintf("-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
				 "Version: GnuPG v2\n"
				 "Comment: <script>alert(1)</script> | **see** "
				 "https://evil.example/\n"
				 "Hash: SHA256\nCharset: UTF-8\n%s",
				 strstr(armor, "\n\n") + 1);
		break;
	case HG_TRUNCATED:
		text = xasprintf("%.*s", (int)(strlen(armor) / 2), armor);
		break;
	case HG_BINARY:
		bytes_add(&packets, bin, len);
		break;
	case HG_ALGORITHM_27:
	case HG_VERSION_5:
		make_key(&packets, k->shape == HG_VERSION_5 ? 5 : 4,
			 k->shape == HG_VERSION_5 ? 22 : 27,
			 "Hiro Tanaka <hiro@acme.example>", HOSTILE_KEY_CREATED,
			 (uint64_t)id);
		text = armor_key(packets.data, packets.len);
		break;
	case HG_BLOATED:
		if (add_certifications(bin, len, HOSTILE_CERTIFICATIONS,
				       HOSTILE_KEY_CREATED, &packets, path))
			goto out;
		text = armor_key(packets.data, packets.len);
		break;
	case HG_GOOD_THEN_BAD:
		bytes_add(&packets, bin, len);
		make_key(&packets, 4, 27, "Judy Jones <judy@acme.example>",
			 HOSTILE_KEY_CREATED, (uint64_t)id);
		text = armor_key(packets.data, packets.len);
		break;
	case HG_RAW:
		text = xasprintf("%s", k->raw);
		break;
	}

	key_value = k->shape == HG_BINARY ? BLOB(packets.data, packets.len)
					  : TEXT(text);
	format_timestamp(g->now - 50 * DAY, 0, TS_POSTGRES, 0, created);
	rc = INSERT(g, T_GPG_KEYS, INT(id), INT(k->user_id), key_value,
		    have_fingerprint ? BLOB(fingerprint + 12, 8) : NULL_VALUE,
		    have_fingerprint ? BLOB(fingerprint, 20) : NULL_VALUE,
		    TEXT(created), INT(0));
out:
	free(packets.data);
	free(text);
	free(bin);
	free(armor);
	free(path);
	return rc;
}

static int insert_hostile_gpg_keys(struct generator *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hostile_gpg_keys); i++)
		if (insert_hostile_gpg_key(g, (int64_t)i + 1, &hostile_gpg_keys[i]))
			return -1;
	return 0;
}

/* The credentials of the hostile sample, after the demo's users. */
static int insert_hostile(struct generator *g)
{
	return insert_hostile_users(g) || insert_hostile_tokens(g) ||
	       insert_hostile_keys(g) || insert_hostile_gpg_keys(g) ? -1 : 0;
}

/* --- Settings and the snapshot record ----------------------------------- */

/* GitLab's defaults: DSA keys forbidden, other key types allowed at any
 * size, no lifetime limits, token expiry required, dormant after 90 days. */
static int insert_application_settings(struct generator *g)
{
	return INSERT(g, T_APPLICATION_SETTINGS, INT(1), INT(0), INT(-1),
		      INT(0), INT(0), INT(0), INT(0), NULL_VALUE, NULL_VALUE,
		      INT(1), INT(90));
}

static int insert_snapshot_info(struct generator *g, unsigned long long seed)
{
	char exported[TS_MAX], seed_text[32];

	format_iso_seconds(g->now, exported);
	snprintf(seed_text, sizeof(seed_text), "%llu", seed);

	if (INSERT(g, T_SNAPSHOT_INFO, TEXT("exported_at"), TEXT(exported)) ||
	    INSERT(g, T_SNAPSHOT_INFO, TEXT("generator"),
		   TEXT("credaudit samples/gensample (synthetic data)")) ||
	    INSERT(g, T_SNAPSHOT_INFO, TEXT("generator_seed"),
		   TEXT(seed_text)) ||
	    INSERT(g, T_SNAPSHOT_INFO, TEXT("gitlab_host"),
		   TEXT(GITLAB_HOST)) ||
	    INSERT(g, T_SNAPSHOT_INFO, TEXT("gitlab_version"),
		   TEXT(GITLAB_VERSION)))
		return -1;
	return 0;
}

/* --- Driver ------------------------------------------------------------- */

struct options {
	const char *schema;
	const char *fixtures;
	const char *now;
	const char *out;
	unsigned long long seed;
	long scale;               /* --scale TOKENS, or 0 */
	int hostile;              /* --hostile */
};

static void print_usage(FILE *to)
{
	fprintf(to,
		"usage: gensample --schema FILE --fixtures DIR --out FILE\n"
		"                 [--now YYYY-MM-DDTHH:MM:SSZ] [--seed N]\n"
		"                 [--scale TOKENS | --hostile]\n"
		"\n"
		"Build the sample credaudit snapshot, a SQLite database.\n"
		"\n"
		"  --schema FILE    CREATE TABLE statements (samples/schema.sql)\n"
		"  --fixtures DIR   key fixtures with ssh/ and gpg/ (samples/fixtures)\n"
		"  --out FILE       database to write; an existing file is replaced\n"
		"  --now TIME       UTC time that every date is relative to\n"
		"                   (default %s)\n"
		"  --seed N         seed for the generated rows (default %d)\n"
		"  --scale TOKENS   add a large generated instance: TOKENS tokens in\n"
		"                   all, and per million tokens 50,000 users, 200,000\n"
		"                   SSH keys and 20,000 GPG keys (from\n"
		"                   fixtures/gpg-bulk); at least %d\n"
		"  --hostile        write the hostile sample instead of the demo's\n"
		"                   credentials: one row per case of damaged or\n"
		"                   hostile input (samples/README.md)\n"
		"\n"
		"Exit status: 0 written, 1 failed, 2 invalid usage.\n",
		DEFAULT_NOW, DEFAULT_SEED, DEMO_TOKEN_COUNT);
}

/* Returns 0, 1 after --help, or -1 on invalid usage. */
static int parse_options(int argc, char **argv, struct options *opts)
{
	static const struct option long_options[] = {
		{ "schema", required_argument, NULL, 's' },
		{ "fixtures", required_argument, NULL, 'f' },
		{ "now", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 'r' },
		{ "scale", required_argument, NULL, 'S' },
		{ "hostile", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->now = DEFAULT_NOW;
	opts->seed = DEFAULT_SEED;
	while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		char *end;

		switch (c) {
		case 's':
			opts->schema = optarg;
			break;
		case 'f':
			opts->fixtures = optarg;
			break;
		case 'n':
			opts->now = optarg;
			break;
		case 'o':
			opts->out = optarg;
			break;
		case 'r':
			errno = 0;
			opts->seed = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-') {
				report_error("invalid --seed '%s': expected a non-negative integer",
					     optarg);
				return -1;
			}
			break;
		case 'S':
			errno = 0;
			opts->scale = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end ||
			    opts->scale < DEMO_TOKEN_COUNT ||
			    opts->scale > SCALE_MAX) {
				report_error("invalid --scale '%s': expected a number of tokens from %d to %ld",
					     optarg, DEMO_TOKEN_COUNT, SCALE_MAX);
				return -1;
			}
			break;
		case 'H':
			opts->hostile = 1;
			break;
		case 'h':
			print_usage(stdout);
			return 1;
		default:
			print_usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		report_error("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (!opts->schema || !opts->fixtures || !opts->out) {
		report_error("missing --schema, --fixtures or --out; see --help");
		return -1;
	}
	if (opts->hostile && opts->scale) {
		report_error("--hostile and --scale cannot be combined");
		return -1;
	}
	return 0;
}

static int exec_sql(struct generator *g, const char *sql, const char *action)
{
	char *message = NULL;

	if (sqlite3_exec(g->db, sql, NULL, NULL, &message) != SQLITE_OK) {
		report_error("%s failed: %s", action,
			     message ? message : sqlite3_errmsg(g->db));
		sqlite3_free(message);
		return -1;
	}
	return 0;
}

static int check_owner(int64_t user_id, const char *what, int64_t id)
{
	if (find_user(user_id))
		return 0;
	report_error("internal error: %s %lld names user %lld, who is not in users[]",
		     what, (long long)id, (long long)user_id);
	return -1;
}

/* Check that the tables above name only users that exist. */
static int check_tables(void)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < ARRAY_SIZE(bots); i++)
		rc |= check_owner(bots[i].user_id, "bot", bots[i].user_id);
	for (i = 0; i < ARRAY_SIZE(human_members); i++)
		rc |= check_owner(human_members[i].user_id, "member row",
				  (int64_t)i + 1);
	for (i = 0; i < ARRAY_SIZE(secondary_emails); i++)
		rc |= check_owner(secondary_emails[i].user_id, "e-mail row",
				  (int64_t)i + 1);
	for (i = 0; i < ARRAY_SIZE(demo_tokens); i++)
		rc |= check_owner(demo_tokens[i].user_id, "token",
				  demo_tokens[i].id);
	for (i = 0; i < ARRAY_SIZE(cluster_owners); i++)
		rc |= check_owner(cluster_owners[i], "cluster owner", (int64_t)i);
	for (i = 0; i < ARRAY_SIZE(filler_owners); i++)
		rc |= check_owner(filler_owners[i], "filler owner", (int64_t)i);
	for (i = 0; i < ARRAY_SIZE(demo_keys); i++)
		rc |= check_owner(demo_keys[i].user_id, "key", demo_keys[i].id);
	for (i = 0; i < ARRAY_SIZE(demo_gpg_keys); i++)
		rc |= check_owner(demo_gpg_keys[i].user_id, "GPG key",
				  demo_gpg_keys[i].id);
	return rc;
}

static int build_sample(struct generator *g, const struct options *opts)
{
	char *schema = read_file(opts->schema, NULL);
	struct scale_plan plan, *s = NULL;
	uint64_t saved;
	int rc = -1;

	if (!schema)
		return -1;
	if (opts->scale) {
		bulk_stream_enter(g, &saved);
		rc = scale_plan_init(g, &plan, opts->scale);
		bulk_stream_leave(g, saved);
		s = &plan;
		if (rc)
			goto out;
		rc = -1;
	}
	if (exec_sql(g, "PRAGMA journal_mode=DELETE", "setting the journal mode") ||
	    exec_sql(g, schema, "creating the tables from --schema") ||
	    prepare_inserts(g) ||
	    exec_sql(g, "BEGIN", "starting the transaction"))
		goto out;

	if (insert_snapshot_info(g, opts->seed) ||
	    insert_namespaces(g) || run_bulk(g, s, insert_bulk_namespaces) ||
	    insert_projects(g) || run_bulk(g, s, insert_bulk_projects) ||
	    insert_users(g) || run_bulk(g, s, insert_bulk_users) ||
	    insert_user_details(g) || run_bulk(g, s, insert_bulk_user_details) ||
	    insert_emails(g) || run_bulk(g, s, insert_bulk_emails) ||
	    insert_members(g) || run_bulk(g, s, insert_bulk_members))
		goto out;
	if (opts->hostile) {
		if (insert_hostile(g) || insert_application_settings(g))
			goto out;
	} else if (insert_tokens(g, DEMO_TOKEN_COUNT) ||
	    run_bulk(g, s, insert_bulk_tokens) ||
	    insert_keys(g) || run_bulk(g, s, insert_bulk_keys) ||
	    insert_gpg_keys(g) || run_bulk(g, s, insert_bulk_gpg_keys) ||
	    insert_application_settings(g)) {
		goto out;
	}

	if (exec_sql(g, "COMMIT", "committing the sample"))
		goto out;
	rc = 0;
out:
	if (s)
		scale_plan_release(s);
	free(schema);
	return rc;
}

static void generator_release(struct generator *g)
{
	size_t t;

	for (t = 0; t < T_COUNT; t++)
		sqlite3_finalize(g->insert[t]);
	if (g->db)
		sqlite3_close(g->db);
	manifest_release(&g->ssh_manifest);
	manifest_release(&g->gpg_manifest);
	memset(g, 0, sizeof(*g));
}

int main(int argc, char **argv)
{
	struct options opts;
	struct generator g = { 0 };
	char *tmp = NULL, *path = NULL;
	int status = EXIT_FAILED;
	int rc;

	rc = parse_options(argc, argv, &opts);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (parse_now(opts.now, &g.now)) {
		report_error("invalid --now '%s': expected UTC time as YYYY-MM-DDTHH:MM:SSZ",
			     opts.now);
		return EXIT_USAGE;
	}
	if (check_tables())
		return EXIT_FAILED;
	g.today = g.now - g.now % DAY;
	g.rng = opts.seed;
	/* Any fixed change of the seed gives the --scale rows a stream of
	 * their own. */
	g.bulk_rng = opts.seed ^ 0x5ca1ab1e5ca1ab1eull;
	g.fixtures = opts.fixtures;
	g.next_ip_id = 1;
	g.next_subkey_id = 1;

	if (!gcry_check_version(GCRYPT_VERSION)) {
		report_error("libgcrypt is older than the %s it was built with",
			     GCRYPT_VERSION);
		return EXIT_FAILED;
	}
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);

	path = xasprintf("%s/ssh/manifest.tsv", opts.fixtures);
	rc = manifest_load(&g.ssh_manifest, path, SSH_FIELDS);
	free(path);
	if (rc)
		goto out;
	path = xasprintf("%s/gpg/manifest.tsv", opts.fixtures);
	rc = manifest_load(&g.gpg_manifest, path, GPG_FIELDS);
	free(path);
	if (rc)
		goto out;

	/* Build into OUT.tmp and rename it, so OUT is never half written. */
	tmp = xasprintf("%s.tmp", opts.out);
	if (unlink(tmp) && errno != ENOENT) {
		report_error("cannot remove the old '%s': %s", tmp,
			     strerror(errno));
		goto out;
	}
	if (sqlite3_open_v2(tmp, &g.db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		report_error("cannot create '%s': %s", tmp,
			     g.db ? sqlite3_errmsg(g.db) : "out of memory");
		goto out;
	}
	if (build_sample(&g, &opts))
		goto out;

	generator_release(&g);
	if (rename(tmp, opts.out)) {
		report_error("cannot rename '%s' to '%s': %s", tmp, opts.out,
			     strerror(errno));
		goto out;
	}
	status = EXIT_OK;
out:
	generator_release(&g);
	if (status != EXIT_OK && tmp)
		unlink(tmp);
	free(tmp);
	return status;
}
