#!/usr/bin/env bash
# Model-vs-reference errors of every synth structure and dtype (qwen2.5 geometry, 2 layers, 64 tokens):
# the largest value of each check over layers and heads, read from summary.json.
# Run after `mvn -q -DskipTests package`; models are cached in the folder given (default /tmp/attnscope-structures).
set -euo pipefail
jar=target/attnscope.jar
work=${1:-/tmp/attnscope-structures}
mkdir -p "$work"
ids=$(python3 -c "import random; r=random.Random(1); print(','.join(str(r.randrange(32,1000)) for _ in range(64)))")
for style in decomposed sdpa sdpa-bool onnx-attention mha fused-gqa; do
  for dtype in fp32 fp16; do
    m="$work/$style-$dtype"
    [ -f "$m/model.onnx" ] || java -jar $jar synth --preset qwen2.5-geometry --style $style --dtype $dtype --out "$m" >/dev/null 2>&1
    rm -rf "$m-out"
    set +e; java -jar $jar inspect --model "$m" --ids "$ids" --out "$m-out" >/dev/null 2>&1; rc=$?; set -e
    python3 - "$m-out/summary.json" "$style" "$dtype" "$rc" <<'PY'
import json,sys
s=json.load(open(sys.argv[1])); worst={}
for c in s["checks"]:
    if c["value"] is not None: worst[c["check"]]=max(worst.get(c["check"],0),c["value"])
src={p["source"] for p in s.get("patternSources",[])}
print(f'{sys.argv[2]:15s} {sys.argv[3]}  exit {sys.argv[4]}  pattern {"/".join(sorted(src)):6s}  pattern.ref {worst.get("pattern.ref",float("nan")):.2e}  z.ref {worst.get("z.ref"):.2e}  rowsum {worst.get("rowsum",float("nan")):.2e}  logits {worst.get("logits"):.2e}')
PY
  done
done
