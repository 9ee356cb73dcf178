#!/bin/bash
# Generate the SSH and GPG public keys under samples/fixtures/ that
# gensample loads into the sample database, and their manifests.
#
# Run once by hand; the output is committed, so builds never need
# ssh-keygen or gpg. Each run makes new keys: the file names, owners and
# kinds stay the same, the key material and fingerprints change.
# Private keys are generated in a temporary directory and deleted.
#
# Needs GnuPG 2.2 or later and an OpenSSH ssh-keygen that still makes DSA
# keys: OpenSSH 10.0 removed DSA. The committed keys were made with
# OpenSSH 9.2 and GnuPG 2.2.40.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ssh_dir=$here/fixtures/ssh
gpg_dir=$here/fixtures/gpg

work=$(mktemp -d /tmp/cafix.XXXXXX)
# GnuPG puts its agent socket in GNUPGHOME, and a Unix socket path is
# limited to 108 bytes on Linux, so the home directory has a short name.
export GNUPGHOME
GNUPGHOME=$(mktemp -d /tmp/cag.XXXXXX)

cleanup() {
	gpgconf --kill all || true
	rm -rf "$work" "$GNUPGHOME"
}
trap cleanup EXIT

# --- SSH ----------------------------------------------------------------

# Write a 32-bit big-endian integer, as the SSH wire format encodes it.
put_uint32() {
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' \
		$(($1 >> 24 & 255)) $(($1 >> 16 & 255)) \
		$(($1 >> 8 & 255)) $(($1 & 255)))"
}

# Write an SSH "string": a uint32 length and the bytes.
put_string() {
	put_uint32 "${#1}"
	printf '%s' "$1"
}

# ssh_key FILE TYPE BITS COMMENT: a public key made by ssh-keygen.
ssh_key() {
	ssh-keygen -q -t "$2" -b "$3" -N '' -C "$4" -f "$work/key"
	mv "$work/key.pub" "$ssh_dir/$1"
	rm -f "$work/key"
}

# sk_key FILE TYPE COMMENT: a FIDO (security key) public key.
#
# ssh-keygen creates sk-* keys only with a hardware authenticator
# present, so the public key blob is assembled from the wire format of
# OpenSSH's PROTOCOL.u2f instead, around the public key of a software
# key generated here, and ssh-keygen -l reads the result:
#   sk-ecdsa-sha2-nistp256@openssh.com:
#     string type, string "nistp256", string Q (65-byte point), string app
#   sk-ssh-ed25519@openssh.com:
#     string type, string key (32 bytes), string app
# The plain key's blob starts with its own type string, which is cut off
# (4 bytes of length plus the name) and replaced. The application is
# "ssh:", the default that ssh-keygen -t ecdsa-sk uses.
sk_key() {
	local skip blob
	case $2 in
	sk-ecdsa-sha2-nistp256@openssh.com)
		skip=$((4 + 19)) # length and "ecdsa-sha2-nistp256"
		ssh-keygen -q -t ecdsa -b 256 -N '' -C '' -f "$work/key"
		;;
	sk-ssh-ed25519@openssh.com)
		skip=$((4 + 11)) # length and "ssh-ed25519"
		ssh-keygen -q -t ed25519 -N '' -C '' -f "$work/key"
		;;
	*)
		echo "make-fixtures.sh: unknown FIDO key type '$2'" >&2
		exit 1
		;;
	esac
	blob=$({
		put_string "$2"
		cut -d' ' -f2 "$work/key.pub" | base64 -d | tail -c +$((skip + 1))
		put_string "ssh:"
	} | base64 -w0)
	printf '%s %s %s\n' "$2" "$blob" "$3" >"$ssh_dir/$1"
	rm -f "$work/key" "$work/key.pub"
}

make_ssh_keys() {
	rm -rf "$ssh_dir"
	mkdir -p "$ssh_dir"

	# User keys, named owner-host-type. The owner is a username that
	# gensample creates.
	ssh_key root-workstation-rsa4096.pub rsa 4096 root@workstation
	ssh_key alice-laptop-ed25519.pub ed25519 256 alice@laptop
	sk_key alice-yubikey-sk-ed25519.pub sk-ssh-ed25519@openssh.com alice@yubikey
	ssh_key bob-laptop-rsa2048.pub rsa 2048 bob@laptop
	ssh_key bob-desktop-dsa1024.pub dsa 1024 bob@old-desktop
	ssh_key carol-laptop-ecdsa256.pub ecdsa 256 carol@laptop
	ssh_key carol-desktop-ed25519.pub ed25519 256 carol@desktop
	ssh_key dave-laptop-rsa1024.pub rsa 1024 dave@laptop
	sk_key dave-solokey-sk-ecdsa256.pub sk-ecdsa-sha2-nistp256@openssh.com dave@solokey
	ssh_key erin-laptop-ecdsa384.pub ecdsa 384 erin@laptop
	ssh_key frank-laptop-ed25519.pub ed25519 256 frank@laptop
	ssh_key grace-laptop-rsa3072.pub rsa 3072 grace@laptop
	ssh_key heidi-laptop-ecdsa521.pub ecdsa 521 heidi@laptop
	ssh_key ivan-laptop-ed25519.pub ed25519 256 ivan@laptop
	ssh_key judy-laptop-rsa4096.pub rsa 4096 judy@laptop
	ssh_key mallory-laptop-rsa2048.pub rsa 2048 mallory@laptop
	ssh_key niaj-ldap-rsa2048.pub rsa 2048 niaj@ldap
	ssh_key peggy-laptop-ed25519.pub ed25519 256 peggy@laptop
	ssh_key rupert-laptop-rsa1024.pub rsa 1024 rupert@laptop
	ssh_key trent-laptop-ecdsa256.pub ecdsa 256 trent@contractor-laptop
	ssh_key victor-laptop-ed25519.pub ed25519 256 victor@laptop
	ssh_key walter-buildhost-rsa2048.pub rsa 2048 walter@buildhost
	ssh_key xavier-desktop-dsa1024.pub dsa 1024 xavier@desktop
	ssh_key zoe-laptop-ed25519.pub ed25519 256 zoe@laptop
	sk_key zoe-yubikey-sk-ecdsa256.pub sk-ecdsa-sha2-nistp256@openssh.com zoe@yubikey
	ssh_key aaron-laptop-rsa3072.pub rsa 3072 aaron@laptop
	ssh_key bella-laptop-ecdsa384.pub ecdsa 384 bella@laptop
	ssh_key chen-laptop-ed25519.pub ed25519 256 chen@laptop
	ssh_key dmitri-laptop-rsa2048.pub rsa 2048 dmitri@laptop
	ssh_key esther-laptop-ecdsa521.pub ecdsa 521 esther@laptop
	sk_key fatima-yubikey-sk-ed25519.pub sk-ssh-ed25519@openssh.com fatima@yubikey
	ssh_key gustav-laptop-rsa4096.pub rsa 4096 gustav@laptop
	ssh_key hiro-laptop-ed25519.pub ed25519 256 hiro@laptop
	ssh_key ines-laptop-ecdsa256.pub ecdsa 256 ines@laptop
	ssh_key jamal-laptop-rsa3072.pub rsa 3072 jamal@laptop

	# Deploy keys, named deploy-purpose-type.
	ssh_key deploy-api-ci-ed25519.pub ed25519 256 deploy@api-ci
	ssh_key deploy-terraform-rsa2048.pub rsa 2048 deploy@terraform-runner
	ssh_key deploy-backup-rsa1024.pub rsa 1024 backup@nas
	ssh_key deploy-legacy-dsa1024.pub dsa 1024 deploy@legacy-build
	ssh_key deploy-docs-ecdsa256.pub ecdsa 256 deploy@docs-publisher
	ssh_key deploy-mirror-ed25519.pub ed25519 256 mirror@github-sync
}

# One manifest line per key with the values ssh-keygen -l prints, so
# that tests compare against OpenSSH rather than against our own parser.
write_ssh_manifest() {
	local file type bits sha256 md5
	{
		printf '# file\ttype\tbits\tsha256\tmd5\n'
		for path in "$ssh_dir"/*.pub; do
			file=$(basename "$path")
			type=$(cut -d' ' -f1 "$path")
			bits=$(ssh-keygen -l -E sha256 -f "$path" | cut -d' ' -f1)
			sha256=$(ssh-keygen -l -E sha256 -f "$path" | cut -d' ' -f2)
			md5=$(ssh-keygen -l -E md5 -f "$path" | cut -d' ' -f2)
			printf '%s\t%s\t%s\t%s\t%s\n' "$file" "$type" "$bits" \
				"$sha256" "$md5"
		done
	} >"$ssh_dir/manifest.tsv"
}

# --- GPG ----------------------------------------------------------------

# Every key is made at a fixed time in the past (the faked system time,
# frozen by the trailing '!') so that creation, expiry and revocation
# dates lie before gensample's default --now of 2026-12-04.
gpg_at() {
	local when=$1
	shift
	gpg --batch --no-tty --quiet --pinentry-mode loopback --passphrase '' \
		--faked-system-time "$when!" "$@"
}

fingerprint_of() {
	gpg --with-colons --list-keys "$1" 2>/dev/null |
		awk -F: '$1 == "fpr" { print $10; exit }'
}

# new_key TIME UID ALGO USAGE EXPIRE: create a primary key, print its
# fingerprint.
new_key() {
	gpg_at "$1" --quick-gen-key "$2" "$3" "$4" "$5"
	fingerprint_of "=$2"
}

# Revoke the whole key at TIME with reason "key has been compromised".
# gpg --gen-revoke fails under --batch ("can't do this in batch mode"),
# so it runs without it and reads its answers from --command-fd.
revoke_key() {
	local when=$1 fpr=$2
	printf 'y\n1\nLaptop stolen\n\ny\n' |
		gpg --no-tty --quiet --pinentry-mode loopback --passphrase '' \
			--faked-system-time "$when!" --command-fd 0 \
			--armor --output "$work/revoke.asc" --gen-revoke "$fpr"
	gpg_at "$when" --import "$work/revoke.asc"
}

# manifest_line FILE FPR NOTES: one line of gpg/manifest.tsv, read back
# from GnuPG's colon listing of the key.
manifest_line() {
	local file=$1 fpr=$2 notes=$3
	gpg --with-colons --fixed-list-mode --list-keys "$fpr" 2>/dev/null |
		awk -F: -v file="$file" -v notes="$notes" '
		function algo_name(n) {
			if (n == 1) return "RSA"
			if (n == 16) return "ELG"
			if (n == 17) return "DSA"
			if (n == 18) return "ECDH"
			if (n == 19) return "ECDSA"
			if (n == 22) return "EdDSA"
			return "algo" n
		}
		$1 == "pub" { algo = algo_name($4); bits = $3; keyid = $5
			if ($17 != "") algo = algo "/" $17; in_sub = 0 }
		$1 == "sub" { in_sub = 1 }
		$1 == "fpr" && !in_sub && fpr == "" { fpr = $10 }
		$1 == "fpr" && in_sub { subs = subs (subs == "" ? "" : ",") $10 }
		$1 == "uid" { uids = uids (uids == "" ? "" : " | ") $10 }
		END { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", file, fpr,
			keyid, algo, bits, uids, subs, notes }'
}

export_key() {
	gpg --armor --export "$2" >"$gpg_dir/$1"
}

make_gpg_keys() {
	local fpr manifest
	rm -rf "$gpg_dir"
	mkdir -p "$gpg_dir"
	manifest=$work/gpg-manifest.tsv
	printf '# file\tfingerprint\tkeyid\talgorithm\tbits\tuids\tsubkeys\tnotes\n' \
		>"$manifest"

	fpr=$(new_key 20250114T093000 "Bob Baker <bob@acme.example>" \
		rsa2048 sign,cert 3y)
	gpg_at 20250114T093100 --quick-add-key "$fpr" rsa2048 encr 3y
	export_key bob-rsa2048.asc "$fpr"
	manifest_line bob-rsa2048.asc "$fpr" \
		"verified: the user ID is bob's confirmed primary address" \
		>>"$manifest"

	fpr=$(new_key 20250402T141500 "Carol Clark <carol@home.example>" \
		rsa3072 sign,cert never)
	gpg_at 20250402T141600 --quick-add-key "$fpr" rsa3072 encr never
	export_key carol-rsa3072.asc "$fpr"
	manifest_line carol-rsa3072.asc "$fpr" \
		"verified: the user ID is carol's confirmed secondary address (emails table)" \
		>>"$manifest"

	fpr=$(new_key 20250820T080000 "Dave Davis <dave@acme.example>" \
		ed25519 sign,cert 2y)
	gpg_at 20250820T080100 --quick-add-key "$fpr" cv25519 encr 2y
	export_key dave-ed25519.asc "$fpr"
	manifest_line dave-ed25519.asc "$fpr" \
		"verified: Ed25519 primary with a Curve25519 encryption subkey" \
		>>"$manifest"

	fpr=$(new_key 20250301T100000 "Erin Evans <erin@acme.example>" \
		dsa2048 sign,cert never)
	gpg_at 20250301T100100 --quick-add-key "$fpr" elg2048 encr never
	export_key erin-dsa2048-elg.asc "$fpr"
	manifest_line erin-dsa2048-elg.asc "$fpr" \
		"verified: DSA primary with an ElGamal encryption subkey" \
		>>"$manifest"

	fpr=$(new_key 20230301T120000 "Frank Fischer <frank@acme.example>" \
		rsa2048 sign,cert 1y)
	gpg_at 20230301T120100 --quick-add-key "$fpr" rsa2048 encr 1y
	export_key frank-expired.asc "$fpr"
	manifest_line frank-expired.asc "$fpr" \
		"expired: primary key and subkey expired 2024-02-29" \
		>>"$manifest"

	fpr=$(new_key 20250601T100000 "Grace Green <grace@acme.example>" \
		rsa2048 sign,cert 3y)
	gpg_at 20250601T100100 --quick-add-key "$fpr" rsa2048 encr 3y
	revoke_key 20260815T080000 "$fpr"
	export_key grace-revoked.asc "$fpr"
	manifest_line grace-revoked.asc "$fpr" \
		"revoked: key revoked 2026-08-15, reason key compromised" \
		>>"$manifest"

	fpr=$(new_key 20250205T090000 "Heidi Hall <heidi@acme.example>" \
		rsa2048 sign,cert never)
	gpg_at 20250205T090100 --quick-add-key "$fpr" rsa2048 encr never
	gpg_at 20250205T090200 --quick-add-uid "$fpr" \
		"Heidi Hall <heidi@oldcorp.example>"
	gpg_at 20260301T090000 --quick-revuid "$fpr" \
		"Heidi Hall <heidi@acme.example>"
	export_key heidi-revoked-uid.asc "$fpr"
	manifest_line heidi-revoked-uid.asc "$fpr" \
		"verified only through a revoked user ID: heidi@acme.example is revoked, heidi@oldcorp.example is not hers" \
		>>"$manifest"

	fpr=$(new_key 20251010T110000 "Ivan Petrov <Ivan.Petrov@Acme.Example>" \
		ed25519 sign,cert never)
	gpg_at 20251010T110100 --quick-add-key "$fpr" cv25519 encr never
	export_key ivan-mixed-case.asc "$fpr"
	manifest_line ivan-mixed-case.asc "$fpr" \
		"verified: the address differs from the confirmed primary ivan.petrov@acme.example only in case" \
		>>"$manifest"

	fpr=$(new_key 20251120T160000 "Judy Jones <judy@personal.example>" \
		rsa2048 sign,cert 2y)
	gpg_at 20251120T160100 --quick-add-key "$fpr" rsa2048 encr 2y
	export_key judy-unconfirmed.asc "$fpr"
	manifest_line judy-unconfirmed.asc "$fpr" \
		"unverified: judy@personal.example is in the emails table but not confirmed" \
		>>"$manifest"

	fpr=$(new_key 20250715T070000 "Walter White (release signing)" \
		rsa4096 sign,cert never)
	export_key walter-no-email.asc "$fpr"
	manifest_line walter-no-email.asc "$fpr" \
		"unverified: the only user ID has no e-mail address" \
		>>"$manifest"

	# The primary key only certifies. The first signing subkey expired in
	# 2025 and a second one replaced it.
	fpr=$(new_key 20240610T100000 "Zoe Zimmer <zoe@acme.example>" \
		ed25519 cert never)
	gpg_at 20240610T100100 --quick-add-key "$fpr" ed25519 sign 1y
	gpg_at 20240610T100200 --quick-add-key "$fpr" cv25519 encr never
	gpg_at 20250605T100000 --quick-add-key "$fpr" ed25519 sign 3y
	export_key zoe-expired-subkey.asc "$fpr"
	manifest_line zoe-expired-subkey.asc "$fpr" \
		"verified: first signing subkey expired 2025-06-10, second valid until 2028-06-04" \
		>>"$manifest"

	fpr=$(new_key 20250910T130000 \
		"Aaron Abbott <24-aaron@users.noreply.gitlab.acme.example>" \
		rsa2048 sign,cert 2y)
	export_key aaron-noreply.asc "$fpr"
	manifest_line aaron-noreply.asc "$fpr" \
		"verified: the address is aaron's private commit address on host gitlab.acme.example" \
		>>"$manifest"

	mv "$manifest" "$gpg_dir/manifest.tsv"
}

if ! command -v ssh-keygen >/dev/null; then
	echo "make-fixtures.sh: ssh-keygen not found; install openssh-client" >&2
	exit 1
fi
if ! command -v gpg >/dev/null; then
	echo "make-fixtures.sh: gpg not found; install gnupg" >&2
	exit 1
fi

make_ssh_keys
write_ssh_manifest
make_gpg_keys
echo "make-fixtures.sh: wrote $(ls "$ssh_dir"/*.pub | wc -l) SSH and $(ls "$gpg_dir"/*.asc | wc -l) GPG public keys under $here/fixtures"
