#!/bin/sh
# Build a credaudit snapshot from CSV files exported from GitLab's database
# (docs/export.md): import-csv.sh CSV_DIR NEW.db [GITLAB_HOST]
# NULL is written as \N by the export and turned back into NULL here.
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

sqlite3 -bail "$db.tmp" < "$schema"
imported=0
for csv in "$dir"/*.csv; do
	[ -f "$csv" ] || continue
	table=$(basename "$csv" .csv)
	if [ -z "$(sqlite3 "$db.tmp" "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '$table'")" ]; then
		echo "import-csv: skipping $csv: no table '$table' in the schema" >&2
		continue
	fi
	sqlite3 -bail "$db.tmp" ".import --csv --skip 1 '$csv' $table"
	for column in $(sqlite3 "$db.tmp" "SELECT name FROM pragma_table_info('$table')"); do
		sqlite3 -bail "$db.tmp" "UPDATE \"$table\" SET \"$column\" = NULL WHERE \"$column\" = '\\N'"
	done
	imported=$((imported + 1))
done
if [ "$imported" -eq 0 ]; then
	rm -f "$db.tmp"
	echo "import-csv: no CSV file in '$dir'" >&2
	exit 1
fi
sqlite3 -bail "$db.tmp" "INSERT INTO credaudit_snapshot (key, value) VALUES ('exported_at', '$(date -u +%Y-%m-%dT%H:%M:%SZ)')"
if [ -n "$host" ]; then
	sqlite3 -bail "$db.tmp" "INSERT INTO credaudit_snapshot (key, value) VALUES ('gitlab_host', '$(printf %s "$host" | sed "s/'/''/g")')"
fi
mv "$db.tmp" "$db"
echo "import-csv: imported $imported tables into $db" >&2
