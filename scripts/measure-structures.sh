#!/usr/bin/env bash
# Model-vs-reference errors of every synth structure and dtype (qwen2.5 geometry, 2 layers, 64 tokens):
# the largest value of each check over layers and heads, read from summary.json. Fused ops are
# measured twice: with the op's own weights output ("native") and with the op rewritten as ordinary
# ops beside it ("unfused", -Dattnscope.unfuse=always, the path taken where ONNX Runtime refuses the
# weights output). pattern.copy: the copy's (or rewrite's) attention output against the op's.
# Run after `mvn -q -DskipTests package`; models are cached in the folder given (default /tmp/attnscope-structures).
set -euo pipefail
jar=target/attnscope.jar
work=${1:-/tmp/attnscope-structures}
mkdir -p "$work"
ids=$(python3 -c "import random; r=random.Random(1); print(','.join(str(r.randrange(32,1000)) for _ in range(64)))")
measure() { # style dtype quantize mode
  local style=$1 dtype=$2 quantize=$3 mode=$4
  local m="$work/$style-$dtype-$quantize"
  [ -f "$m/model.onnx" ] || java -jar $jar synth --preset qwen2.5-geometry --style $style --dtype $dtype --quantize $quantize \
    --out "$m" >/dev/null 2>&1
  rm -rf "$m-out"
  local unfuse=never; [ "$mode" = unfused ] && unfuse=always
  set +e; java -Dattnscope.unfuse=$unfuse -jar $jar inspect --model "$m" --ids "$ids" --out "$m-out" >/dev/null 2>&1; local rc=$?; set -e
  python3 - "$m-out/summary.json" "$style" "$dtype" "$quantize" "$mode" "$rc" <<'PY'
import json,sys
s=json.load(open(sys.argv[1])); worst={}
for c in s["checks"]:
    if c["value"] is not None: worst[c["check"]]=max(worst.get(c["check"],0),c["value"])
src={p["source"] for p in s.get("patternSources",[])}
f=lambda k: f'{worst[k]:.2e}' if k in worst else '   -    '
print(f'{sys.argv[2]:15s} {sys.argv[3]} {sys.argv[4]:5s} {sys.argv[5]:7s} exit {sys.argv[6]}  pattern {"/".join(sorted(src)):6s}  pattern.ref {f("pattern.ref")}  z.ref {f("z.ref")}  pattern.copy {f("pattern.copy")}  logits {f("logits")}')
PY
}
for style in decomposed sdpa sdpa-bool onnx-attention mha fused-gqa; do
  for dtype in fp32 fp16; do
    measure $style $dtype none native
    case $style in onnx-attention|mha|fused-gqa) measure $style $dtype none unfused ;; esac
  done
done
for style in decomposed fused-gqa; do
  measure $style fp32 int8 native
  measure $style fp32 q4 native
  measure $style fp16 q4 native
done
measure fused-gqa fp32 int8 unfused
