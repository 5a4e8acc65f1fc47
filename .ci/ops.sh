#!/usr/bin/env bash
# Tools the operations tests need (see README "Operations"): promtool (Prometheus text-format parser) and
# systemd-analyze (unit file checker). Idempotent; runs as root in CI.
set -euo pipefail

# promtool: Debian ships it only inside the full `prometheus` package, whose maintainer scripts would start a
# Prometheus server. Only the static promtool binary is wanted, so the package is downloaded with apt and that
# one file is extracted, with nothing started and nothing else installed.
if ! command -v promtool >/dev/null 2>&1; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && apt-get download prometheus >/dev/null)
    dpkg-deb -x "$work"/prometheus_*.deb "$work/x"
    install -m 0755 "$work/x/usr/bin/promtool" /usr/local/bin/promtool
fi
promtool --version | head -1

# systemd-analyze: in Debian's systemd package; it verifies unit files without systemd running as PID 1.
if ! command -v systemd-analyze >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends systemd >/dev/null
fi
systemd-analyze --version | head -1
