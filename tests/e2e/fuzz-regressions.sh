#!/bin/sh
# Replay the seed corpus and the inputs that once made a fuzz target fail
# (fuzz/corpus/<target>/ and fuzz/regressions/<target>/) through the same
# property checks, built with the normal compiler as $BUILD/fuzz/replay_*.
. "$(dirname "$0")/lib.sh"

for source in fuzz/fuzz_*.c; do
	target=${source#fuzz/fuzz_}
	target=${target%.c}
	replay="$BUILD/fuzz/replay_$target"
	if [ ! -x "$replay" ]; then
		fail "$target fuzz replay is built" "missing $replay: run make check"
		continue
	fi
	for kind in corpus regressions; do
		dir="fuzz/$kind/$target"
		[ -d "$dir" ] || continue
		if out=$("$replay" "$dir" 2>&1); then
			pass "$target fuzz $kind replays"
		else
			fail "$target fuzz $kind replays" "$(printf '%s\n' "$out" | tail -15)"
		fi
	done
done

finish
