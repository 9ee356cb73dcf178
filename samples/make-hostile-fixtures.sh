#!/bin/bash
# Generate the GPG public keys under samples/fixtures/hostile/ that
# `gensample --hostile` loads into samples/hostile.db: keys whose user
# IDs are odd in ways that only a real self-signature can carry, and two
# keys exported in one armor block.
#
# Run once by hand; the output is committed, so builds never need gpg.
# Each run makes new keys with the same file names and user IDs. The
# other hostile GPG cases (CRLF, extra armor headers, truncation, binary
# packets, an unknown algorithm, a version 5 key, thousands of
# certifications) are built by gensample from these keys and from
# samples/fixtures/gpg/. The committed keys were made with GnuPG 2.2.40.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out_dir=$here/fixtures/hostile

# GnuPG puts its agent socket in GNUPGHOME, and a Unix socket path is
# limited to 108 bytes on Linux, so the home directory has a short name.
export GNUPGHOME
GNUPGHOME=$(mktemp -d /tmp/cah.XXXXXX)

cleanup() {
	gpgconf --kill all || true
	rm -rf "$GNUPGHOME"
}
trap cleanup EXIT

if ! command -v gpg >/dev/null; then
	echo "make-hostile-fixtures.sh: gpg not found; install gnupg" >&2
	exit 1
fi

# make_key FILE USER-ID [OPTION...]: an Ed25519 signing key made on
# 2025-03-01 with the user ID as given, exported to FILE.
make_key() {
	local file=$1 uid=$2 fpr
	shift 2
	gpg --batch --no-tty --quiet --pinentry-mode loopback --passphrase '' \
		--faked-system-time 20250301T120000! "$@" \
		--quick-gen-key "$uid" ed25519 sign never 2>/dev/null
	fpr=$(gpg --with-colons --list-keys 2>/dev/null |
		awk -F: '$1 == "fpr" { last = $10 } END { print last }')
	gpg --armor --export "$fpr" >"$out_dir/$file"
	printf '%s\t%s\n' "$file" "$fpr" >>"$out_dir/manifest.tsv"
	echo "$fpr"
}

rm -rf "$out_dir"
mkdir -p "$out_dir"
printf '# file\tfingerprint\n' >"$out_dir/manifest.tsv"

# A user ID that is a bare address, without a name or angle brackets.
make_key bare-address.asc 'bob@acme.example' >/dev/null
# ISO 8859-1 bytes, not UTF-8: "José María" with 0xE9 and 0xED.
# --utf8-strings makes gpg store the bytes as they are.
make_key latin1-uid.asc $'Jos\xe9 Mar\xeda <carol@home.example>' \
	--utf8-strings >/dev/null
# HTML in the name part of the user ID.
make_key markup-uid.asc '"><img src=x onerror=alert(1)> <dave@acme.example>' \
	--allow-freeform-uid >/dev/null
# U+202E RIGHT-TO-LEFT OVERRIDE in the name part.
make_key bidi-uid.asc $'Mallory \u202egnp.exe <erin@acme.example>' >/dev/null

# Two keys in one armor block, as `gpg --export --armor A B` writes it.
first=$(make_key two-keys-first.asc 'Frank Fischer <frank@acme.example>')
second=$(make_key two-keys-second.asc 'Grace Green <grace@acme.example>')
gpg --armor --export "$first" "$second" >"$out_dir/two-keys.asc"
rm "$out_dir/two-keys-first.asc" "$out_dir/two-keys-second.asc"
sed -i -e 's/^two-keys-first\.asc\t/two-keys.asc (first)\t/' \
	-e 's/^two-keys-second\.asc\t/two-keys.asc (second)\t/' \
	"$out_dir/manifest.tsv"

echo "make-hostile-fixtures.sh: wrote $(ls "$out_dir"/*.asc | wc -l) GPG public keys under $out_dir"
