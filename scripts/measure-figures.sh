#!/usr/bin/env bash
# Measures figure sizes and drawing times (issue 18's targets) on Qwen2.5-0.5B's geometry:
# 24 layers × 14 heads, synthetic patterns, T tokens, PNG and PNG+SVG+PDF.
#   scripts/measure-figures.sh [tokens=13] [runs=3] [threads=cores] [pngLevel: 0 RGB, 1-9 palette] [png|png,all]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -q -B -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
exec java -Djava.awt.headless=true -cp "target/classes:target/test-classes:$(cat target/cp.txt)" \
    attnscope.render.MeasureFigures "$@"
