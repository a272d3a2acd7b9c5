#!/usr/bin/env bash
# Export the BASE model Qwen/Qwen2.5-0.5B (not the Instruct one the hub offers in ONNX form) to
# ONNX with Hugging Face optimum, then import it into attnscope's model folder layout.
#
# Needs: Python 3.9+ with venv, internet access to PyPI and the Hugging Face hub, ~10 GB of disk
# (PyTorch, the checkpoint, the export) and a built attnscope (mvn -q -DskipTests package).
#
#   scripts/export-qwen2.5-base.sh              # → models/qwen2.5-0.5b
#   scripts/export-qwen2.5-base.sh --dry-run    # print the commands, run nothing
#   attnscope inspect --model models/qwen2.5-0.5b --text "the cat chases the" --out reports/base
#
# Steps: (1) a virtual environment in WORK/venv; (2) pip install PyTorch (CPU build),
# optimum[onnxruntime] and transformers; (3) optimum-cli export onnx, task text-generation-with-past
# (the same inputs and outputs as onnx-community's exports: past_key_values.* in, present.* out);
# (4) attnscope fetch --from WORK/onnx, which copies the export (never changes it) and stores the
# weights as onnx/model.onnx + onnx/model.onnx.data.
set -euo pipefail

MODEL="Qwen/Qwen2.5-0.5B"
TASK="text-generation-with-past"
WORK="build/qwen2.5-0.5b-export"
MODELS_DIR="models"
NAME="qwen2.5-0.5b"
PYTHON="${PYTHON:-python3}"
CPU_TORCH=1
DRY_RUN=0
# How to run attnscope; override with ATTNSCOPE="attnscope" when it is installed.
ATTNSCOPE="${ATTNSCOPE:-java -jar target/attnscope.jar}"
PACKAGES="${PIP_PACKAGES:-optimum[onnxruntime] transformers}"

usage() {
    # The comment block at the top of this file, without the '# '.
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    cat <<USAGE
Options:
  --model ID         hub model to export (default $MODEL)
  --task TASK        optimum task (default $TASK; text-generation has no past/present tensors)
  --work DIR         venv and export go here (default $WORK)
  --models-dir DIR   attnscope models folder (default $MODELS_DIR)
  --name NAME        folder name inside it (default $NAME)
  --no-cpu-torch     let pip choose PyTorch (on Linux that is the large CUDA build)
  --dry-run          print the commands instead of running them
Environment: PYTHON (default python3), ATTNSCOPE (default "java -jar target/attnscope.jar"),
  PIP_PACKAGES (default "optimum[onnxruntime] transformers"), HF_TOKEN / HF_ENDPOINT (used by optimum).
USAGE
}

while [ $# -gt 0 ]; do
    case "$1" in
        --model) MODEL="$2"; shift 2 ;;
        --task) TASK="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;;
        --models-dir) MODELS_DIR="$2"; shift 2 ;;
        --name) NAME="$2"; shift 2 ;;
        --no-cpu-torch) CPU_TORCH=0; shift ;;
        --dry-run) DRY_RUN=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "export-qwen2.5-base.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
done

# Prints a command (shell-quoted, so it can be copied) and runs it unless --dry-run.
run() {
    printf '+'
    printf ' %q' "$@"
    printf '\n'
    if [ "$DRY_RUN" = 0 ]; then
        "$@"
    fi
}

if [ "$DRY_RUN" = 0 ]; then
    command -v "$PYTHON" >/dev/null || { echo "export-qwen2.5-base.sh: $PYTHON not found (set PYTHON=...)" >&2; exit 4; }
    read -r -a attnscope_cmd <<< "$ATTNSCOPE"
    if [ "${attnscope_cmd[0]}" = java ] && [ "${attnscope_cmd[1]:-}" = -jar ] && [ ! -f "${attnscope_cmd[2]:-}" ]; then
        echo "export-qwen2.5-base.sh: ${attnscope_cmd[2]} is missing: build it first (mvn -q -DskipTests package)" >&2
        exit 4
    fi
fi
read -r -a attnscope_cmd <<< "$ATTNSCOPE"
read -r -a packages <<< "$PACKAGES"

VENV="$WORK/venv"
EXPORT="$WORK/onnx"

if [ -x "$VENV/bin/python" ] && [ "$DRY_RUN" = 0 ]; then
    echo "using the existing virtual environment $VENV"
else
    run "$PYTHON" -m venv "$VENV"
fi
if [ "$CPU_TORCH" = 1 ]; then
    run "$VENV/bin/pip" install --quiet torch --index-url https://download.pytorch.org/whl/cpu
fi
run "$VENV/bin/pip" install --quiet "${packages[@]}"
run "$VENV/bin/optimum-cli" export onnx --model "$MODEL" --task "$TASK" "$EXPORT"
run "${attnscope_cmd[@]}" fetch --from "$EXPORT" --models-dir "$MODELS_DIR" --name "$NAME"

if [ "$DRY_RUN" = 0 ]; then
    echo "done: $MODELS_DIR/$NAME (the export stays in $EXPORT; delete $WORK to free the space)"
fi
