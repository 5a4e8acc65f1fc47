#!/bin/bash
# Profile minihpc:snoop — a job of the service user tries to read another directory user's private file and
# lists the other user's home. It records what happened instead of failing, so the test sees the evidence.
set -uo pipefail
out="${HPC_OUTPUT_DIR:?HPC_OUTPUT_DIR is not set}"
target=/shared/home/alice/private.txt
{
    echo "user: $(id -un)"
    if content=$(cat "$target" 2>&1); then echo "read: $content"; else echo "denied: $content"; fi
    if listing=$(ls /shared/home/alice 2>&1); then echo "listed: $listing"; else echo "denied: $listing"; fi
} > "$out/snoop.txt"
exit 0
