#!/bin/sh
# Benchmark `credaudit report` on generated snapshots against a baseline
# measured in the same run, and print the ratios and peak memory.
#
# For each size (tokens; default "100000 1000000") it
#  1. builds bench/data/scale-SIZE.db with `gensample --scale SIZE`, once:
#     later runs reuse the file;
#  2. times the baseline: sqlite3 reading every table and column that the
#     report reads (count and total length of each column), then one
#     `gpg --show-keys --with-colons` process listing every GPG key of the
#     snapshot from one file of concatenated armor;
#  3. times credaudit with an empty cache (cold) and again with the cache
#     that the cold run filled (warm), writing every output;
#  4. copies the outputs of the warm run with cp, for what writing that
#     many bytes costs here;
#  5. prints cold / baseline, warm / SQL baseline, warm / copy and peak
#     resident memory from /usr/bin/time -v, with the targets.
#
# Every timing is the median of BENCH_RUNS runs (default 3). Nothing here
# fails on a missed target: it measures, and docs/benchmarks.md records.
#
# Environment: BUILD (default build), BENCH_SIZES, BENCH_RUNS, BENCH_NOW.
set -eu

BUILD=${BUILD:-build}
sizes=${BENCH_SIZES:-100000 1000000}
runs=${BENCH_RUNS:-3}
now=${BENCH_NOW:-2026-12-04T12:00:00Z}
data=bench/data
credaudit=$BUILD/credaudit
gensample=$BUILD/gensample

for tool in sqlite3 gpg; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "bench: $tool not found; run scripts/install-deps.sh" >&2
		exit 1
	fi
done
if [ ! -x /usr/bin/time ]; then
	echo "bench: /usr/bin/time not found; run scripts/install-deps.sh (Debian package time)" >&2
	exit 1
fi
if [ ! -x "$credaudit" ] || [ ! -x "$gensample" ]; then
	echo "bench: $credaudit or $gensample missing; run make BUILD=$BUILD all $gensample" >&2
	exit 1
fi

mkdir -p "$data"
work=$(mktemp -d "${TMPDIR:-/tmp}/cabench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The SELECT that reads what the report reads: per table, the row count
# and the total length of every column the queries in queries/ name.
baseline_sql() {
	cat <<'EOF'
SELECT count(*), sum(length(id)), sum(length(username)), sum(length(name)),
       sum(length(state)), sum(length(user_type)), sum(length(admin)),
       sum(length(email)), sum(length(confirmed_at)) FROM users;
SELECT count(*), sum(length(user_id)), sum(length(email)),
       sum(length(confirmed_at)) FROM emails;
SELECT count(*), sum(length(user_id)), sum(length(bot_namespace_id))
       FROM user_details;
SELECT count(*), sum(length(id)), sum(length(user_id)),
       sum(length(source_id)), sum(length(source_type)) FROM members;
SELECT count(*), sum(length(id)), sum(length(path)),
       sum(length(namespace_id)), sum(length(project_namespace_id))
       FROM projects;
SELECT count(*), sum(length(id)), sum(length(path)), sum(length(type)),
       sum(length(parent_id)) FROM namespaces;
SELECT count(*), sum(length(id)), sum(length(user_id)), sum(length(name)),
       sum(length(revoked)), sum(length(expires_at)),
       sum(length(created_at)), sum(length(updated_at)),
       sum(length(last_used_at)), sum(length(scopes)),
       sum(length(impersonation)),
       sum(length(previous_personal_access_token_id))
       FROM personal_access_tokens;
SELECT count(*), sum(length(id)), sum(length(user_id)), sum(length(key)),
       sum(length(title)), sum(length(type)), sum(length(fingerprint)),
       sum(length(fingerprint_sha256)), sum(length(created_at)),
       sum(length(last_used_at)), sum(length(expires_at)),
       sum(length(usage_type)) FROM keys;
SELECT count(*), sum(length(id)), sum(length(user_id)), sum(length(key)),
       sum(length(primary_keyid)), sum(length(fingerprint)),
       sum(length(created_at)) FROM gpg_keys;
SELECT count(*), sum(length(key)), sum(length(value)) FROM credaudit_snapshot;
EOF
}

# timed LABEL COMMAND...: run COMMAND under /usr/bin/time -v and append
# "LABEL SECONDS PEAK_KIB" to $work/times. Output goes to $work/last.log.
timed() {
	label=$1
	shift
	if ! /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/last.log" 2>&1; then
		echo "bench: '$*' failed:" >&2
		tail -n 20 "$work/last.log" >&2
		exit 1
	fi
	awk -v label="$label" '
		/Elapsed \(wall clock\)/ {
			n = split($NF, part, ":")
			seconds = part[n]
			if (n > 1)
				seconds += part[n - 1] * 60
			if (n > 2)
				seconds += part[n - 2] * 3600
		}
		/Maximum resident set size/ { kib = $NF }
		END { printf "%s %.2f %d\n", label, seconds, kib }' \
		"$work/time.txt" >>"$work/times"
}

# median LABEL: the median seconds and the largest peak of LABEL's runs.
median() {
	awk -v label="$1" '$1 == label { print $2, $3 }' "$work/times" |
		sort -n | awk '{ s[NR] = $1; if ($2 > peak) peak = $2 }
			END { printf "%.2f %d\n", s[int((NR + 1) / 2)], peak }'
}

printf '%s\n' "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
printf '%s\n' "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
printf '%s\n' "credaudit: $($credaudit --version), $(gpg --version | head -n 1), sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
printf '%s\n' "runs per timing: $runs (median); --now $now"
echo

results=$work/results
: >"$results"
for size in $sizes; do
	db=$data/scale-$size.db
	armor=$data/scale-$size-gpg.asc
	if [ ! -f "$db" ]; then
		echo "bench: generating $db" >&2
		/usr/bin/time -f "bench: generated in %e s, peak %M KiB" \
			"$gensample" --schema samples/schema.sql \
			--fixtures samples/fixtures --now "$now" --scale "$size" \
			--out "$db"
		rm -f "$armor"
	fi
	if [ ! -f "$armor" ]; then
		sqlite3 "$db" "SELECT key || char(10) FROM gpg_keys ORDER BY id" >"$armor.tmp"
		mv "$armor.tmp" "$armor"
	fi
	keys=$(sqlite3 "$db" "SELECT count(*) FROM gpg_keys")
	rows=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM personal_access_tokens) + (SELECT count(*) FROM keys) + (SELECT count(*) FROM gpg_keys)")
	baseline_sql >"$work/baseline.sql"

	: >"$work/times"
	i=0
	while [ "$i" -lt "$runs" ]; do
		timed sql sqlite3 "$db" ".read $work/baseline.sql"
		# A fresh GnuPG home, so that no keyring is read.
		home=$(mktemp -d /tmp/cabg.XXXXXX)
		timed gpg gpg --homedir "$home" --batch --no-autostart \
			--show-keys --with-colons "$armor"
		if [ "$(grep -c '^pub:' "$work/last.log")" -ne "$keys" ]; then
			echo "bench: gpg listed $(grep -c '^pub:' "$work/last.log") of $keys keys" >&2
			exit 1
		fi
		gpgconf --homedir "$home" --kill all 2>/dev/null || true
		rm -rf "$home"

		# Each run writes into a new folder: a folder with an earlier
		# plan makes report read that plan to keep it if approved,
		# which is not what this measures.
		cache=$work/cache-$size-$i
		mkdir -p "$cache"
		out=$work/out-$size
		XDG_CACHE_HOME=$cache timed cold \
			"$credaudit" report -q --db "$db" --out "$out" --now "$now"
		rm -rf "$out"
		XDG_CACHE_HOME=$cache timed warm \
			"$credaudit" report -q --db "$db" --out "$out" --now "$now"
		# What writing the same bytes costs on this disk: a copy of
		# the outputs, read back from the page cache.
		out_bytes=$(du -sb "$out" | cut -f1)
		timed copy cp -r "$out" "$work/copy-$size"
		rm -rf "$cache" "$out" "$work/copy-$size"
		i=$((i + 1))
	done
	set -- $(median sql); sql_s=$1; sql_kib=$2
	set -- $(median gpg); gpg_s=$1
	set -- $(median cold); cold_s=$1; cold_kib=$2
	set -- $(median warm); warm_s=$1; warm_kib=$2
	set -- $(median copy); copy_s=$1
	echo "$size $rows $keys $sql_s $gpg_s $cold_s $warm_s $cold_kib $warm_kib $copy_s $out_bytes" >>"$results"
done

awk '
function mib(kib) { return kib / 1024 }
{
	baseline = $4 + $5
	printf "%s tokens (%s credentials, %s GPG keys)\n", $1, $2, $3
	printf "  baseline: SQL %.2f s + gpg %.2f s = %.2f s\n", $4, $5, baseline
	printf "  cold: %.2f s = %.2f x baseline (target <= 1.5)\n", $6, $6 / baseline
	printf "  warm: %.2f s = %.2f x SQL baseline (target <= 3)\n", $7, $7 / $4
	printf "  outputs: %.0f MB; copying them with cp takes %.2f s (warm = %.2f x that)\n",
		$11 / 1e6, $10, ($10 > 0 ? $7 / $10 : 0)
	printf "  peak RSS: cold %.1f MiB, warm %.1f MiB (target < 64)\n",
		mib($8), mib($9)
	peak[NR] = $8 > $9 ? $8 : $9
	size[NR] = $1
}
END {
	if (NR >= 2)
		printf "peak RSS growth %s -> %s tokens: %.1f MiB (target < 16)\n",
			size[1], size[NR], mib(peak[NR] - peak[1])
}' "$results"
