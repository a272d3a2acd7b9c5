#!/usr/bin/env bash
# Measures the explorer page for a model of Qwen2.5-0.5B's size (24 layers × 14 heads): its size
# in bytes and its time to first paint in Debian's headless Chromium, at each T given (default
# 50,500). Time to first paint is what the page itself records, from navigation start: the end of
# its first render (data-first-render-ms) and the frame after it (data-first-paint-ms). Each page
# is opened RUNS times (default 3) in a fresh browser; the median is reported.
# Needs target/attnscope.jar (mvn -q -DskipTests package) and chromium (scripts/test-assets.sh).
# Writes reports/bench/explorer.json and prints a table. Targets at T = 50: ≤ 3 MB, ≤ 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENS="${1:-50,500}"
RUNS="${RUNS:-3}"
[ -f target/attnscope.jar ] || { echo "explorer-bench: build first: mvn -q -DskipTests package" >&2; exit 2; }
command -v chromium >/dev/null || { echo "explorer-bench: chromium is missing: run scripts/test-assets.sh" >&2; exit 4; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
java -cp target/attnscope.jar attnscope.bench.ExplorerPages "$work" "$TOKENS" > "$work/pages.txt"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
mkdir -p reports/bench
json="["
printf '%6s %12s %16s %15s\n' T bytes first-render-ms first-paint-ms
while read -r t bytes page; do
  : > "$work/render"; : > "$work/paint"
  for run in $(seq "$RUNS"); do
    dom="$(timeout 300 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
      --disable-component-update --disable-sync --user-data-dir="$work/profile-$t-$run" --window-size=1920,1080 \
      --dump-dom "file://$page" 2>/dev/null | grep -o 'data-first-[a-z]*-ms="[0-9]*"' || true)"
    render="$(sed -n 's/data-first-render-ms="\([0-9]*\)"/\1/p' <<< "$dom")"
    paint="$(sed -n 's/data-first-paint-ms="\([0-9]*\)"/\1/p' <<< "$dom")"
    [ -n "$render" ] || { echo "explorer-bench: the page at T = $t recorded no first render" >&2; exit 1; }
    echo "$render" >> "$work/render"
    echo "${paint:-$render}" >> "$work/paint"
  done
  r="$(median < "$work/render")"; p="$(median < "$work/paint")"
  printf '%6s %12s %16s %15s\n' "$t" "$bytes" "$r" "$p"
  json="$json{\"tokens\": $t, \"layers\": 24, \"heads\": 14, \"bytes\": $bytes, \"firstRenderMs\": $r, \"firstPaintMs\": $p, \"runs\": $RUNS},"
done < "$work/pages.txt"
echo "${json%,}]" > reports/bench/explorer.json
echo "wrote reports/bench/explorer.json"
