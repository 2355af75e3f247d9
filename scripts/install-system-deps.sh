#!/usr/bin/env bash
# Installs the Debian packages the test suite needs: chromium for the browser tests.
# As root (CI, containers) it installs them; otherwise it says what is missing, and
# the browser tests skip (except under CI=true, where a missing browser fails them).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium (Debian package) for the browser tests..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
else
    echo "note: chromium is not installed and this is not root; browser tests will skip." >&2
    echo "      install it with: sudo apt-get install chromium" >&2
fi
