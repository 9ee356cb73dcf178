#!/bin/bash
# Generate the distinct GPG public keys that `gensample --scale` spreads
# over the generated users: samples/fixtures/gpg-bulk/keys.asc.xz.
#
# Run once by hand; the output is committed, so builds and benchmarks
# never generate keys. Each run makes new keys with the same user IDs.
# One gpg process makes every key from a parameter file with one %commit
# block per key, which took about 7 minutes for 20,000 keys on a
# 2-core AMD EPYC virtual machine with GnuPG 2.2.40.
#
# Usage: make-bulk-gpg.sh [COUNT]   (default 20000)
#
# Key K has the single user ID "Bulk User NNNNN <userNNNNN@acme.example>"
# with NNNNN = K * 5 / 2 (integer division), the generated user that
# gensample gives it. Every key is Ed25519 without a subkey, created at
# 2025-03-01T00:00:00Z; every 20th key (K % 20 == 19) expires on
# 2026-06-01, the others never expire. The keys are exported, armored,
# in creation order, so gensample can split the armor into one key per
# row without running gpg.
set -euo pipefail

count=${1:-20000}
here=$(cd "$(dirname "$0")" && pwd)
out_dir=$here/fixtures/gpg-bulk

# GnuPG puts its agent socket in GNUPGHOME, and a Unix socket path is
# limited to 108 bytes on Linux, so the home directory has a short name.
export GNUPGHOME
GNUPGHOME=$(mktemp -d /tmp/cab.XXXXXX)
work=$(mktemp -d /tmp/cabw.XXXXXX)

cleanup() {
	gpgconf --kill gpg-agent || true
	rm -rf "$work" "$GNUPGHOME"
}
trap cleanup EXIT

if ! command -v gpg >/dev/null; then
	echo "make-bulk-gpg.sh: gpg not found; install gnupg" >&2
	exit 1
fi

params=$work/params
awk -v count="$count" 'BEGIN {
	for (k = 0; k < count; k++) {
		user = int(k * 5 / 2)
		print "%no-protection"
		print "Key-Type: eddsa"
		print "Key-Curve: ed25519"
		print "Key-Usage: sign"
		printf "Name-Real: Bulk User %05d\n", user
		printf "Name-Email: user%05d@acme.example\n", user
		if (k % 20 == 19)
			print "Expire-Date: 2026-06-01"
		else
			print "Expire-Date: 0"
		print "%commit"
	}
}' >"$params"

echo "make-bulk-gpg.sh: generating $count keys in $GNUPGHOME" >&2
gpg --batch --no-tty --quiet --trust-model always \
	--faked-system-time '20250301T000000!' --gen-key "$params"

generated=$(gpg --with-colons --list-keys | grep -c '^pub:')
if [ "$generated" != "$count" ]; then
	echo "make-bulk-gpg.sh: gpg made $generated keys, expected $count" >&2
	exit 1
fi

mkdir -p "$out_dir"
gpg --armor --export >"$work/keys.asc"
xz -9 -c "$work/keys.asc" >"$out_dir/keys.asc.xz.tmp"
mv "$out_dir/keys.asc.xz.tmp" "$out_dir/keys.asc.xz"
echo "make-bulk-gpg.sh: wrote $count keys to $out_dir/keys.asc.xz" \
	"($(stat -c %s "$out_dir/keys.asc.xz") bytes)" >&2
