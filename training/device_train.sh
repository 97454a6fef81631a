#!/usr/bin/env bash
# One fixed-length training slot on a borrowed GPU machine (see docs/model.md, "Training on a GPU").
#
# Renders fresh synthetic lines on the machine's CPUs, then trains two CRNNs side by side on the one GPU
# (the default size and a wider one), each sized by --budget-min to the time left. Weights-only
# checkpoints and logs go to $OUT. Needs pydantic importable (the text sampler reads the gazetteer
# through `vaddr`) and, carried: training/fonts/ttf, training/fonts/fonts.json and
# training/cache/real_compact.npz (`python -m training.real_data --compact`).
#
#   bash training/device_train.sh [TOTAL_SECONDS]
set -euo pipefail
TOTAL=${1:-500}
OUT=${OUT:-training/runs/device}
mkdir -p "$OUT"
CPUS=$(python3 -c "import os; print(len(os.sched_getaffinity(0)))")  # nproc obeys OMP_NUM_THREADS
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1
start=$(date +%s)
echo "cpus $CPUS"; nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 -m training.render --count 160000 --seed 3 --workers "$CPUS" --out training/cache/synth_dev \
    --max-seconds "${RENDER_S:-110}" 2>&1 | tail -c 300
python3 -m training.render --count 1000 --seed 2 --workers "$CPUS" --out training/cache/synth_val_dev \
    2>&1 | tail -c 200
used=$(( $(date +%s) - start ))
budget=$(python3 -c "print(round(($TOTAL - $used - 75) / 60, 2))")
echo "rendered in ${used}s; training budget ${budget} min each"
common=(--synth training/cache/synth_dev --synth-val training/cache/synth_val_dev
        --real training/cache/real_compact.npz --device "${DEVICE:-cuda}" --threads 1 --workers 7 --batch 64 --lr 2e-3
        --real-start 0.15 --real-end 0.5 --real-ramp 0.4 --warm-steps 300 --budget-min "$budget"
        --eval-every 2000 --seed 11 --out-dir "$OUT")
python3 -m training.train --run gpu_base "${common[@]}" > "$OUT/gpu_base.out" 2>&1 &
python3 -m training.train --run gpu_wide --channels 32 64 128 192 --hidden 192 "${common[@]}" \
    > "$OUT/gpu_wide.out" 2>&1 &
wait
echo "done in $(( $(date +%s) - start ))s"
grep -h '"event": "\(steps\|done\)"' "$OUT"/*_log.jsonl
grep -h '"event": "eval"' "$OUT"/*_log.jsonl | tail -4
