#!/usr/bin/env bash
# Zips the module folder into out/Emx2Hpc-<version>.zip without PowerShell. The zip holds Emx2Hpc/<version>/…, so
# unzipping it into any folder on $env:PSModulePath (e.g. ~/.local/share/powershell/Modules) installs the module.
#
# usage: build/package-module.sh [-c|--configuration Release] [-o|--output <repo>/out] [--no-layout]
#   --no-layout   zip the existing out/Emx2Hpc/<version>/ instead of running build/layout-module.sh first
# Prints the zip path on the last line of stdout.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration=Release
output="$repo/out"
layout=1

while [[ $# -gt 0 ]]; do
  case "$1" in
    -c|--configuration) configuration="$2"; shift 2 ;;
    -o|--output) output="$2"; shift 2 ;;
    --no-layout) layout=0; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "package-module.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if [[ $layout -eq 1 ]]; then
  module="$("$repo/build/layout-module.sh" -c "$configuration" -o "$output" | tail -n 1)"
else
  version="$(sed -n "s/^[[:space:]]*ModuleVersion[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$repo/module/Emx2Hpc.psd1")"
  module="$output/Emx2Hpc/$version"
fi
[[ -f "$module/Emx2Hpc.psd1" ]] || { echo "package-module.sh: no module folder at $module" >&2; exit 1; }

version="$(basename "$module")"
zip_path="$output/Emx2Hpc-$version.zip"
rm -f "$zip_path"
# -X: no extra (uid/gid, timestamps) fields; the zip is the same whoever builds it.
(cd "$output" && zip -qrX "$zip_path" "Emx2Hpc/$version")
echo "$zip_path"
