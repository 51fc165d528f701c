#!/usr/bin/env bash
# Installs the Debian packages Flowgate's tests and tools use, only when missing.
# Safe to run repeatedly; needs root (or sudo) and Debian's package mirror.
set -euo pipefail

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

have_cmd chromium || need+=(chromium)
# OpenLDAP: the LDAP directory tests run a real slapd (test/support/slapd.ts; ldapadd seeds the memberOf one).
have_cmd slapd || [ -x /usr/sbin/slapd ] || need+=(slapd)
have_cmd ldapsearch || need+=(ldap-utils)
have_cmd snmptrap || need+=(snmp)
have_cmd rg || need+=(ripgrep)
# jq: the curl lines of README and of the emulator banner read local-admin.json with it (test/cli).
have_cmd jq || need+=(jq)
have_pkg libkrb5-dev || need+=(libkrb5-dev)

if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "system packages: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system packages: done"
