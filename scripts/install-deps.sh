#!/bin/sh
# Install the Debian packages that building, testing and the demo need.
# Only packages that are missing are installed, so a second run costs a
# few dpkg queries. Pass --browser to add Chromium and Node.js for the
# page tests (tests/e2e/browser.sh),
# and --fuzz to add clang with its libFuzzer runtime for `make fuzz`.
set -eu

# python3 runs tests/mock-gitlab, the stand-in GitLab API of the apply tests.
packages="build-essential pkg-config gnupg openssh-client sqlite3 xz-utils
libsqlite3-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libxml2-dev
libxml2-utils libgpgme-dev libgcrypt20-dev libjansson-dev libcmocka-dev
libcurl4-openssl-dev valgrind python3 time"
for option in "$@"; do
	case $option in
	--browser)
		# tests/browser/page-check.js runs on Debian 12's Node.js 18.
		packages="$packages chromium nodejs"
		;;
	--fuzz)
		# Debian's clang only recommends the package with libFuzzer.
		packages="$packages clang libclang-rt-dev"
		;;
	*)
		echo "install-deps: unknown option '$option'; use --browser or --fuzz" >&2
		exit 2
		;;
	esac
done

missing=""
for package in $packages; do
	if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing $package"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo_cmd=sudo
	else
		echo "install-deps: missing packages:$missing" >&2
		echo "install-deps: run this script as root, or install them with apt-get" >&2
		exit 1
	fi
else
	sudo_cmd=""
fi

echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
# shellcheck disable=SC2086
$sudo_cmd apt-get install -y -qq --no-install-recommends $missing >/dev/null
