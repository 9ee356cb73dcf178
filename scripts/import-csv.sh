#!/bin/sh
# Build a credaudit snapshot from CSV files exported from GitLab's database
# (docs/export.md): import-csv.sh CSV_DIR NEW.db [GITLAB_HOST]
# Columns are matched by the names in each file's header row, so a file
# may hold the columns in any order and leave out those an older GitLab
# lacks. NULL is written as \N by the export and turned back into NULL here.
# A column that a file leaves out, and a table without a file, are left
# out of the snapshot too. credaudit then reports what depends on them as
# not available. An empty table or a column of NULLs would read as "none"
# or "never" instead. An empty file, and a users file without rows while
# credentials name owners, are failed exports and rejected.
set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: import-csv.sh CSV_DIR NEW.db [GITLAB_HOST]" >&2
	exit 2
fi
dir=$1
db=$2
host=${3-}
schema=$(dirname "$0")/../samples/schema.sql

if [ -e "$db" ]; then
	echo "import-csv: '$db' already exists; pass a new file name" >&2
	exit 2
fi
if [ ! -d "$dir" ]; then
	echo "import-csv: '$dir' is not a folder of CSV files" >&2
	exit 2
fi

tmp=$db.tmp
rm -f "$tmp"
trap 'rm -f "$tmp"' EXIT
sqlite3 -bail "$tmp" < "$schema"

quote_sql() {
	printf "'%s'" "$(printf %s "$1" | sed "s/'/''/g")"
}

# An argument of an sqlite3 dot-command: in double quotes, with C escapes.
quote_dot() {
	printf '"%s"' "$(printf %s "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

imported=0
for csv in "$dir"/*.csv; do
	[ -f "$csv" ] || continue
	table=$(basename "$csv" .csv)
	known=$(sqlite3 "$tmp" "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $(quote_sql "$table")")
	if [ "$known" -eq 0 ]; then
		echo "import-csv: skipping '$csv': the snapshot has no table '$table'" >&2
		continue
	fi

	# .import into a table that does not exist creates it from the header.
	staging="staging_$imported"
	if [ ! -s "$csv" ]; then
		echo "import-csv: '$csv' is empty: its export failed, so run the query for '$table' again" >&2
		exit 1
	fi
	# sqlite3 fills a row that is cut short with NULLs and reads on past
	# an unterminated quote, exiting 0 with only a message: either is an
	# export that stopped in the middle of a row.
	problem=$(sqlite3 -bail "$tmp" ".import --csv $(quote_dot "$csv") $staging" 2>&1 >/dev/null) || {
		echo "import-csv: '$csv' cannot be imported: $problem" >&2
		exit 1
	}
	if [ -n "$problem" ]; then
		echo "import-csv: '$csv' is not a complete CSV file ($(printf '%s\n' "$problem" | head -n 1)): its export stopped in the middle, so run the query for '$table' again" >&2
		exit 1
	fi
	unknown=$(sqlite3 "$tmp" "SELECT group_concat(name, ', ') FROM pragma_table_info('$staging')
		WHERE name NOT IN (SELECT name FROM pragma_table_info($(quote_sql "$table")))")
	if [ -n "$unknown" ]; then
		echo "import-csv: '$csv' has columns that table '$table' does not: $unknown; fix the header row" >&2
		exit 1
	fi
	key=$(sqlite3 "$tmp" "SELECT name FROM pragma_table_info($(quote_sql "$table")) WHERE pk > 0
		AND name NOT IN (SELECT name FROM pragma_table_info('$staging'))")
	if [ -n "$key" ]; then
		echo "import-csv: '$csv' has no column $key, which identifies each row of '$table'; export the table again with it" >&2
		exit 1
	fi
	left_out=$(sqlite3 "$tmp" "SELECT group_concat(name, ' ') FROM pragma_table_info($(quote_sql "$table"))
		WHERE name NOT IN (SELECT name FROM pragma_table_info('$staging'))")
	columns=$(sqlite3 "$tmp" "SELECT group_concat('\"' || name || '\"', ', ') FROM pragma_table_info('$staging')")
	nulls=$(sqlite3 "$tmp" "SELECT group_concat('NULLIF(\"' || name || '\", ''\\N'')', ', ') FROM pragma_table_info('$staging')")
	sqlite3 -bail "$tmp" "INSERT INTO \"$table\" ($columns) SELECT $nulls FROM $staging; DROP TABLE $staging;"
	for column in $left_out; do
		sqlite3 -bail "$tmp" "ALTER TABLE \"$table\" DROP COLUMN \"$column\""
	done
	tables="${tables-} $table"
	echo "import-csv: $table: $(sqlite3 "$tmp" "SELECT count(*) FROM \"$table\"") rows" >&2
	imported=$((imported + 1))
done
if [ "$imported" -eq 0 ]; then
	echo "import-csv: no CSV file in '$dir'" >&2
	exit 1
fi

# A users file with a header and no rows, beside credentials that name
# owners, is almost always a failed export as well, and credaudit rejects
# such a snapshot (docs/export.md).
case " ${tables-} " in
*" users "*)
	owned=0
	if [ "$(sqlite3 "$tmp" "SELECT count(*) FROM users")" -eq 0 ]; then
		for table in personal_access_tokens keys gpg_keys; do
			case " $tables " in
			*" $table "*) ;;
			*) continue ;;
			esac
			with_owner=$(sqlite3 "$tmp" "SELECT count(*) FROM pragma_table_info('$table') WHERE name = 'user_id'")
			[ "$with_owner" -eq 0 ] && continue
			rows=$(sqlite3 "$tmp" "SELECT count(*) FROM \"$table\" WHERE user_id IS NOT NULL AND user_id <> ''")
			owned=$((owned + rows))
		done
	fi
	if [ "$owned" -gt 0 ]; then
		echo "import-csv: '$dir/users.csv' has a header but no rows, while $owned credentials in the other files name an owner: the export of users failed, so run the query for 'users' again" >&2
		exit 1
	fi
	;;
esac
for table in $(sqlite3 "$tmp" "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'credaudit_snapshot'"); do
	case " $tables " in
	*" $table "*) ;;
	*) sqlite3 -bail "$tmp" "DROP TABLE \"$table\"" ;;
	esac
done

# The export ended when psql wrote the last CSV file, which can be hours
# or days before this import.
newest=0
for csv in "$dir"/*.csv; do
	[ -f "$csv" ] || continue
	written=$(stat -c %Y "$csv")
	if [ "$written" -gt "$newest" ]; then
		newest=$written
	fi
done
# A credaudit_snapshot.csv of the export keeps its own time, and the
# host given here replaces its host.
sqlite3 -bail "$tmp" "INSERT OR IGNORE INTO credaudit_snapshot (key, value) VALUES ('exported_at', '$(date -u -d "@$newest" +%Y-%m-%dT%H:%M:%SZ)')"
if [ -n "$host" ]; then
	sqlite3 -bail "$tmp" "INSERT OR REPLACE INTO credaudit_snapshot (key, value) VALUES ('gitlab_host', $(quote_sql "$host"))"
fi
sqlite3 -bail "$tmp" "VACUUM"
mv "$tmp" "$db"
trap - EXIT
echo "import-csv: imported $imported tables into $db; columns that the CSV files leave out are left out of it too, and credaudit names those it needs" >&2
