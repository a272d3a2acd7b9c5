#!/usr/bin/env bash
# Measures a written lesson as a lecturer's laptop would load it: the folder's total size, the bytes
# the page itself loads (index.html and the images it shows), and the time headless Chromium takes
# from navigation to the page's load event (every image decoded), median of 5 loads from file://.
# Usage: scripts/lesson-page-measure.sh [reports/lesson] [WIDTHxHEIGHT]
set -euo pipefail
dir=${1:-reports/lesson}
size=${2:-1920x1080}
w=${size%x*}
h=${size#*x}
[ -f "$dir/index.html" ] || { echo "no $dir/index.html: run attnscope lesson first" >&2; exit 4; }
total=$(du -sb "$dir" | cut -f1)
page=$(( $(stat -c %s "$dir/index.html") ))
for src in $(grep -o '<img src="[^"]*"' "$dir/index.html" | sed 's/<img src="//; s/"$//' | sort -u); do
  page=$(( page + $(stat -c %s "$dir/$src") ))
done
harness="$dir/__measure.html"
profile=$(mktemp -d)
trap 'rm -rf "$profile" "$harness"' EXIT
cat > "$harness" <<HTML
<!DOCTYPE html><html><body><pre id="r">pending</pre>
<iframe id="f" style="width:${w}px;height:${h}px;border:0"></iframe>
<script>
const f = document.getElementById('f');
const t0 = performance.now();
f.addEventListener('load', () => {
  const d = f.contentDocument;
  const ok = Array.from(d.images).filter(i => i.complete && i.naturalWidth > 0).length;
  document.getElementById('r').textContent = 'LOAD_MS=' + (performance.now() - t0).toFixed(0) + ';IMAGES=' + ok + '/' + d.images.length;
});
f.src = 'index.html';
</script></body></html>
HTML
times=()
for i in 1 2 3 4 5; do
  out=$(timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile/$i" --allow-file-access-from-files \
    --window-size=$((w + 40)),$((h + 200)) --dump-dom "file://$(realpath "$harness")" 2>/dev/null)
  t=$(grep -o 'LOAD_MS=[0-9]*' <<<"$out" | cut -d= -f2)
  imgs=$(grep -o 'IMAGES=[0-9/]*' <<<"$out" | cut -d= -f2)
  times+=("$t")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
printf 'lesson folder: %s bytes (%.1f MB); the page loads %s bytes (%.1f MB): index.html and %s images\n' \
  "$total" "$(echo "$total/1048576" | bc -l)" "$page" "$(echo "$page/1048576" | bc -l)" "$imgs"
printf 'load time at %s (file://, headless Chromium, median of 5): %s ms (runs: %s)\n' "$size" "$median" "${times[*]}"
