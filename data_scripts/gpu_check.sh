#!/usr/bin/env bash
# One prepared run on a CUDA machine (about 8 minutes on one GPU), writing one JSON report:
#   1. the CUDA tests (pytest -m cuda);
#   2. `bench --device cuda` (course_lib's loop against the tutorial loop, matmul peak, seconds to recognisable);
#   3. a `train --data` run at 64 px RGB on the synthetic example folder: images/s and seconds per epoch
#      (data_scripts/folder_speed.py);
#   4. `train text2img --device cuda --fast`: the description-to-image model's three phases, which must print
#      "networks on: cuda";
#   5. sampling time per image of the shipped GAN and flow model (lesson 10) at 1-64 steps
#      (data_scripts/flow_comparison.py timing);
#   6. every lesson (learner copy) at full size, with its wall time and the device its networks ran on (the
#      "networks on: ..." line each lesson prints).
#
#   bash data_scripts/gpu_check.sh [OUT]        # default OUT: runs/gpu_check; the report is OUT/report.json
#
# Without CUDA it stops before running anything (exit 2). Every step runs even when an earlier one fails; the
# report keeps each step's exit code and the tail of its log, so one failure does not hide the other numbers.
# LESSON_TIMEOUT (seconds, default 300) caps each lesson; BENCH_BUDGET (default 120) caps bench's training.
# Needs the installed course (`pip install -e ".[dev]"`) and Fashion-MNIST where course_lib.data finds it
# (the Debian package dataset-fashion-mnist, or COURSE_DATA_DIR pointing at a copy of its files).
set -u
cd "$(dirname "$0")/.."
OUT=${1:-runs/gpu_check}
mkdir -p "$OUT/notebooks"
if ! python -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"; then
    echo "gpu_check: no CUDA device here (torch.cuda.is_available() is False); run it on a GPU machine." >&2
    exit 2
fi
python -c "import torch; print(torch.cuda.get_device_name(0), torch.__version__)" > "$OUT/device.txt"

step() {  # step NAME COMMAND...: run it; stdout to OUT/NAME.out, stderr to OUT/NAME.err; clock and exit code
    local name=$1; shift
    local start=$EPOCHREALTIME
    "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"
    local code=$?
    echo "{\"step\": \"$name\", \"exit_code\": $code, \"start\": $start, \"end\": $EPOCHREALTIME}" >> "$OUT/steps.jsonl"
    echo "gpu_check: $name exit $code"
}

: > "$OUT/steps.jsonl"
step cuda_tests python -m pytest -q -m cuda -p no:cacheprovider
step bench python -m course_lib bench --device cuda --json --budget "${BENCH_BUDGET:-120}"
step folder_64px python data_scripts/folder_speed.py --sizes 64 --channels 3 --device cuda --steps 50
rm -rf "$OUT/text2img"  # a rerun into the same OUT starts the model afresh (train refuses to overwrite)
step text2img_fast python -m course_lib train text2img --device cuda --fast --out "$OUT/text2img"
step flow_sampling python data_scripts/flow_comparison.py timing --device cuda
for notebook in notebooks/[0-9][0-9]_*.ipynb; do
    name=$(basename "$notebook" .ipynb)
    step "lesson_$name" env -u COURSE_FAST timeout "${LESSON_TIMEOUT:-300}" jupyter nbconvert --to notebook \
        --execute --ExecutePreprocessor.timeout=-1 --output-dir "$OUT/notebooks" "$notebook"
done
python -m tools.gpu_report "$OUT" > "$OUT/report.json"
echo "gpu_check: wrote $OUT/report.json"
