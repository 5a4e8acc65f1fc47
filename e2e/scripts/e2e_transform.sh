#!/bin/bash
# Profile e2e-test:transform — reads every staged input file ($HPC_INPUT_DIR/<artifact_id>/<path>), writes it
# upper-cased (ASCII a-z only, every other byte unchanged) to $HPC_OUTPUT_DIR/<path>, and reports progress
# through $HPC_OUTPUT_DIR/.hpc_progress.jsonl between sleeps so the daemon relays it while the job runs.
set -euo pipefail
export LC_ALL=C
in="${HPC_INPUT_DIR:?}"
out="${HPC_OUTPUT_DIR:?}"
progress() { printf '{"phase":"%s","message":"%s","progress":%s}\n' "$1" "$2" "$3" >> "$out/.hpc_progress.jsonl"; }

progress staging "inputs found" 0.1
sleep "${E2E_STEP_SECONDS:-4}"
count=0
for artifact in "$in"/*/; do
  artifact="${artifact%/}"
  while IFS= read -r -d '' file; do
    rel="${file#"$artifact"/}"
    mkdir -p "$out/$(dirname "$rel")"
    # shellcheck disable=SC2018,SC2019 # ASCII only on purpose: the suite checks every other byte is untouched
    tr 'a-z' 'A-Z' < "$file" > "$out/$rel"
    count=$((count + 1))
  done < <(find -L "$artifact" -type f -print0)
done
progress transform "upper-cased $count files" 0.6
sleep "${E2E_STEP_SECONDS:-4}"
progress "done" "finished" 1.0
echo "e2e_transform: $count files"
