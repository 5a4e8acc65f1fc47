#!/bin/bash
# Profile e2e-test:posix (output_residence and log_residence posix) — writes a 1 MiB file that must stay on the
# cluster: EMX2 only records its path, hash and size, and answers downloads with a redirect to file://.
set -euo pipefail
out="${HPC_OUTPUT_DIR:?}"
# Deterministic content (a repeated 16-byte line), exactly 1048576 bytes. Process substitution, not a pipe:
# `yes` dies of SIGPIPE when head has enough, which pipefail would count as a failure.
head -c 1048576 < <(yes 'posix-e2e-block') > "$out/big.bin"
echo "e2e_posix: wrote $(stat -c %s "$out/big.bin") bytes"
