#!/bin/sh
# Installs Debian's chromium for the browser tests (playwright-core drives it at /usr/bin/chromium;
# no browser is ever downloaded by playwright). Idempotent: does nothing when it is already there.
set -eu
if [ -x /usr/bin/chromium ]; then
  /usr/bin/chromium --version 2>/dev/null || true
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium
/usr/bin/chromium --version
