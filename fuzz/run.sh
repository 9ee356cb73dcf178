#!/bin/sh
# Run each libFuzzer target for a while: fuzz/run.sh BUILD SECONDS TARGET...
#
# A target starts from its committed seeds (fuzz/corpus/<target>/) and its
# regression inputs (fuzz/regressions/<target>/), which it only reads, and
# writes the inputs it finds to BUILD/fuzz/corpus/<target>/, so that a
# later run goes on from there. A crash, a leak, a sanitizer report or a
# broken property stops the target, saves the input under
# BUILD/fuzz/crashes/<target>/ and makes this script exit 1 after the
# other targets have run.
set -u

if [ $# -lt 3 ]; then
	echo "usage: fuzz/run.sh BUILD SECONDS TARGET..." >&2
	exit 2
fi
build=$1
seconds=$2
shift 2
failed=""

for target in "$@"; do
	binary="$build/fuzz/fuzz_$target"
	corpus="$build/fuzz/corpus/$target"
	crashes="$build/fuzz/crashes/$target"
	mkdir -p "$corpus" "$crashes"
	inputs="$corpus fuzz/corpus/$target"
	[ -d "fuzz/regressions/$target" ] && inputs="$inputs fuzz/regressions/$target"
	dict=""
	[ -f "fuzz/$target.dict" ] && dict="-dict=fuzz/$target.dict"

	echo "== fuzz $target for ${seconds}s"
	# shellcheck disable=SC2086
	if "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$crashes/" -print_final_stats=1 $dict $inputs \
		>"$build/fuzz/$target.log" 2>&1; then
		grep -E '^stat::number_of_executed_units|^Done' "$build/fuzz/$target.log"
	else
		tail -40 "$build/fuzz/$target.log"
		echo "fuzz: $target failed; the input is in $crashes/" >&2
		failed="$failed $target"
	fi
done

if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed" >&2
	exit 1
fi
echo "fuzz: all targets ran ${seconds}s without a failure"
