#!/usr/bin/env bash
# Make sure the Debian packages named on the command line are installed (tox envs call this for what
# their tests need: chromium for the browser tests, zsh and fish for the completion tests, prometheus for the
# metrics tests).
# Idempotent and quiet when all are there. Installs the missing ones only as root (CI runs as root on a
# fresh machine); otherwise fails with one line naming the apt-get command, so no test is skipped.
set -euo pipefail

missing=()
for package in "$@"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" != "install ok installed" ]]; then
        missing+=("$package")
    fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "install-debian: missing ${missing[*]}; as root run: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi
echo "install-debian: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    apt-get update -qq  # a fresh machine may have no or stale package lists
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
