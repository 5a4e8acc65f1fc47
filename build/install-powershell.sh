#!/usr/bin/env bash
# Installs what the PowerShell side of CI needs, from the package registries only, idempotently:
#   pwsh 7.6.10   as a .NET global tool (dotnet tool install -g PowerShell; 7.7.0 does not install here)
#   Pester 5.7.1  restored from NuGet by build/pester/Pester.Download.csproj and copied from the NuGet cache into
#                 <repo>/out/psmodules/Pester/5.7.1, a folder the caller prepends to PSModulePath.
# Safe to run again: each part is skipped when already in place.
#
# usage: build/install-powershell.sh          (then: export PATH="$HOME/.dotnet/tools:$PATH"
#                                                     PSModulePath="<repo>/out/psmodules:$PSModulePath")
# Prints the module folder to prepend to PSModulePath on the last line of stdout.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pwsh_version=7.6.10
pester_version=5.7.1
tools="$HOME/.dotnet/tools"
modules="$repo/out/psmodules"
export PATH="$tools:$PATH"

if [[ "$(pwsh --version 2>/dev/null)" == "PowerShell $pwsh_version" ]]; then
  echo "pwsh $pwsh_version already installed" >&2
else
  # A different version installed as a tool is replaced; install refuses to overwrite it.
  dotnet tool uninstall -g PowerShell >/dev/null 2>&1 || true
  dotnet tool install -g PowerShell --version "$pwsh_version" >&2
fi
[[ "$(pwsh --version)" == "PowerShell $pwsh_version" ]] || { echo "install-powershell.sh: pwsh is not $pwsh_version" >&2; exit 1; }

target="$modules/Pester/$pester_version"
if [[ -f "$target/Pester.psd1" ]]; then
  echo "Pester $pester_version already in $modules" >&2
else
  dotnet restore "$repo/build/pester/Pester.Download.csproj" -nologo -v quiet >&2
  cache="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')"
  source="${cache%/}/pester/$pester_version/tools"
  [[ -f "$source/Pester.psd1" ]] || { echo "install-powershell.sh: no Pester.psd1 in $source after restore" >&2; exit 1; }
  rm -rf "$target"
  mkdir -p "$target"
  cp -R "$source/." "$target/"
fi
PSModulePath="$modules" pwsh -NoProfile -NonInteractive -c \
  "Import-Module Pester -RequiredVersion $pester_version -ErrorAction Stop; 'Pester ' + (Get-Module Pester).Version" >&2
echo "$modules"
