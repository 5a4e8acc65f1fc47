#!/usr/bin/env bash
# Builds the installable module folder out/Emx2Hpc/<version>/ without PowerShell (CI, this machine):
#
#   Emx2Hpc.psd1, Emx2Hpc.format.ps1xml, en-US/about_Emx2Hpc.help.txt
#   en-US/Emx2Hpc.PowerShell.dll-Help.xml     MAML help generated from the cmdlet metadata
#   Emx2Hpc.PowerShell.dll (+pdb)              the assembly pwsh loads (RootModule)
#   Dependencies/                              Emx2Hpc.Core and every third-party assembly, loaded through
#                                              Emx2HpcLoadContext so they never clash with other modules
#   linux-x64/ linux-arm64/ osx-arm64/ win-x64/  the native e_sqlite3, flat: pwsh does not probe runtimes/<rid>/native
#
# usage: build/layout-module.sh [-c|--configuration] [Release|Debug] [-o|--output <repo>/out] [--publish-dir DIR]
#   --publish-dir   lay out an existing `dotnet publish` output of src/Emx2Hpc.PowerShell instead of publishing
# Prints the module folder on the last line of stdout.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration=Release
output="$repo/out"
publish_dir=""
# The platforms the module supports; each needs runtimes/<rid>/native from SQLitePCLRaw.lib.e_sqlite3.
rids=(linux-x64 linux-arm64 osx-arm64 win-x64)

while [[ $# -gt 0 ]]; do
  case "$1" in
    -c|--configuration) configuration="$2"; shift 2 ;;
    -o|--output) output="$2"; shift 2 ;;
    --publish-dir) publish_dir="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    Release|Debug) configuration="$1"; shift ;;   # `layout-module.sh Release`, as README.md writes it
    *) echo "layout-module.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

# One version, stated twice: the manifest (what pwsh reads) and Directory.Build.props (the assemblies).
version="$(sed -n "s/^[[:space:]]*ModuleVersion[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$repo/module/Emx2Hpc.psd1")"
props_version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props")"
if [[ -z "$version" || "$version" != "$props_version" ]]; then
  echo "layout-module.sh: ModuleVersion '$version' in module/Emx2Hpc.psd1 differs from <Version> '$props_version' in Directory.Build.props" >&2
  exit 1
fi

if [[ -z "$publish_dir" ]]; then
  publish_dir="$output/publish/Emx2Hpc.PowerShell"
  rm -rf "$publish_dir"
  # --disable-build-servers: no compiler server left running after a CI or test-fixture build.
  dotnet publish "$repo/src/Emx2Hpc.PowerShell/Emx2Hpc.PowerShell.csproj" -c "$configuration" -o "$publish_dir" \
    --disable-build-servers -nologo -v quiet >&2
fi
[[ -f "$publish_dir/Emx2Hpc.PowerShell.dll" ]] || { echo "layout-module.sh: no Emx2Hpc.PowerShell.dll in $publish_dir" >&2; exit 1; }

module="$output/Emx2Hpc/$version"
rm -rf "$module"
mkdir -p "$module/Dependencies" "$module/en-US"

cp "$repo/module/Emx2Hpc.psd1" "$repo/module/Emx2Hpc.format.ps1xml" "$module/"
cp "$repo/module/en-US/"* "$module/en-US/"
cp "$publish_dir/Emx2Hpc.PowerShell.dll" "$module/"
[[ -f "$publish_dir/Emx2Hpc.PowerShell.pdb" ]] && cp "$publish_dir/Emx2Hpc.PowerShell.pdb" "$module/"

# Everything else managed goes to Dependencies/: whatever Core depends on tomorrow is isolated without editing this.
shopt -s nullglob
for dll in "$publish_dir"/*.dll; do
  name="$(basename "$dll" .dll)"
  [[ "$name" == Emx2Hpc.PowerShell ]] && continue
  cp "$dll" "$module/Dependencies/"
  [[ -f "$publish_dir/$name.pdb" ]] && cp "$publish_dir/$name.pdb" "$module/Dependencies/"
done
shopt -u nullglob

for rid in "${rids[@]}"; do
  native="$publish_dir/runtimes/$rid/native"
  if [[ ! -d "$native" ]] || [[ -z "$(ls -A "$native")" ]]; then
    echo "layout-module.sh: no native e_sqlite3 for $rid in $native" >&2
    exit 1
  fi
  mkdir -p "$module/$rid"
  cp "$native"/* "$module/$rid/"
done

# MAML help from the built assembly. The reference System.Management.Automation comes from the NuGet cache, where
# restore put PowerShellStandard.Library (it is compile-only and never shipped).
sma_version="$(sed -n 's:.*Include="PowerShellStandard.Library" Version="\([^"]*\)".*:\1:p' "$repo/Directory.Packages.props")"
sma="${NUGET_PACKAGES:-$HOME/.nuget/packages}/powershellstandard.library/$sma_version/lib/netstandard2.0/System.Management.Automation.dll"
[[ -f "$sma" ]] || { echo "layout-module.sh: $sma not found (restore src/Emx2Hpc.PowerShell first)" >&2; exit 1; }
dotnet run "$repo/build/help/GenerateHelp.cs" -- \
  "$module/Emx2Hpc.PowerShell.dll" "$publish_dir/Emx2Hpc.PowerShell.xml" "$sma" "$module/Dependencies" \
  "$module/en-US/Emx2Hpc.PowerShell.dll-Help.xml" >&2

echo "$module"
