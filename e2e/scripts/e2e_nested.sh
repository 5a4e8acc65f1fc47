#!/bin/bash
# Profile e2e-test:nested — outputs in nested directories; the artifact must keep the relative paths.
set -euo pipefail
out="${HPC_OUTPUT_DIR:?}"
mkdir -p "$out/results/a/b" "$out/results/x"
printf 'deep\n' > "$out/results/a/b/c.txt"
printf 'shallow\n' > "$out/results/x/y.txt"
printf 'top\n' > "$out/top.txt"
