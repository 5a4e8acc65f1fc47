#!/usr/bin/env bash
# What an idle cron cycle costs as a whole process, next to the runtime's own floor, measured in the same run.
#
#   bench/startup/run.sh [--runs N] [--out DIR]
#
# Builds what it measures the way users get it: the CLI with `dotnet publish src/Emx2Hpc.Cli -c Release` (compiled
# ahead of time), the module from its Package zip (build/package-module.sh, unzipped into a module folder). Floors:
# a .NET hello world published with the CLI's publish settings (ahead of time), the same hello world run by the .NET
# runtime (framework-dependent: the floor the issue's first measurements used), and `pwsh -NoProfile -c exit`. Then,
# with the EMX2 emulator on loopback, no job pending and the simulated scheduler, it runs each command once to warm up
# and N times (default 9), the commands interleaved so that a change in the machine's load hits all of them alike,
# each measured by measure.py (wait4: microsecond wall and CPU time, peak RSS). Prints the medians of wall time, CPU
# time (user+sys) and peak RSS, and each command as a ratio to its floor.
# A benchmark, not a test: it asserts nothing and CI does not run it. Needs the .NET SDK, clang (the ahead-of-time
# compiler's linker), zip/unzip, python3, and pwsh on PATH for the PowerShell rows (skipped without it).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=9
out="$repo/out/bench-startup"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v python3 >/dev/null || { echo "run.sh: python3 missing (apt-get install python3)" >&2; exit 2; }
command -v clang >/dev/null || { echo "run.sh: clang missing; the CLI is compiled ahead of time (apt-get install clang)" >&2; exit 2; }
measure=("python3" "$repo/bench/startup/measure.py")
[[ "$runs" =~ ^[0-9]+$ && "$runs" -ge 1 ]] || { echo "run.sh: --runs needs a positive number" >&2; exit 2; }
pwsh_bin="$(command -v pwsh || true)"

rm -rf "$out"
mkdir -p "$out"
work="$(mktemp -d "${TMPDIR:-/tmp}/emx2hpc-startup-XXXXXX")"
emulator_pid=""
cleanup() {
  [[ -n "$emulator_pid" ]] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building (Release, as users get it)" >&2
dotnet publish "$repo/src/Emx2Hpc.Cli" -c Release -o "$out/cli" --disable-build-servers -nologo -v quiet >&2
# The stand-in EMX2 the cycles talk to (its own executable; the published CLI carries it only for `demo`).
dotnet build "$repo/src/Emx2Hpc.Emulator" -c Release -o "$out/emulator" --disable-build-servers -nologo -v quiet >&2

# The floors: a hello world published with the same settings as the CLI (ahead of time, invariant globalization),
# so the ratio is about what the product does, not about publish options; and the same program run by the .NET
# runtime, which is what a framework-dependent build of any .NET program starts from.
mkdir -p "$work/hello"
cat >"$work/hello/hello.csproj" <<'EOF'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <PublishAot>true</PublishAot>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
</Project>
EOF
echo 'System.Console.WriteLine("hello");' >"$work/hello/Program.cs"
dotnet publish "$work/hello/hello.csproj" -c Release -o "$out/hello" --disable-build-servers -nologo -v quiet >&2
dotnet publish "$work/hello/hello.csproj" -c Release -p:PublishAot=false -o "$out/hello-jit" --disable-build-servers -nologo -v quiet >&2

if [[ -n "$pwsh_bin" ]]; then
  zip_path="$(bash "$repo/build/package-module.sh" -o "$out/package" | tail -n 1)"
  mkdir -p "$out/modules"
  unzip -q "$zip_path" -d "$out/modules"
fi

echo "== emulator on loopback, nothing pending" >&2
secret="$work/worker.secret"
printf 'startup-bench-secret-0123456789abcdefghijklmnop\n' >"$secret"
chmod 600 "$secret"
"$out/emulator/emx2-hpc-emulator" --urls http://127.0.0.1:0 --worker-secret "bench-worker=$secret" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 100); do
  url="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/emulator.log" | head -n 1)"
  [[ -n "$url" ]] && break
  sleep 0.2
done
[[ -n "${url:-}" ]] || { echo "run.sh: the emulator did not start:" >&2; cat "$work/emulator.log" >&2; exit 1; }

write_config() { # $1 file, $2 state directory
  cat >"$1" <<EOF
emx2:
  base_url: $url
  worker_id: bench-worker
  worker_secret_file: $secret
worker:
  max_concurrent_jobs: 2
  state_db: $2/state.db
profiles:
  embed:
    processor: "text-embedding:v3"
    profile: gpu-medium
    host_entrypoint: /bin/sh
    cpus: 1
    memory: 1G
    time: "00:10:00"
apptainer:
  tmp_dir: $work/jobs
EOF
}
write_config "$work/cli.yaml" "$work/state-cli"
write_config "$work/pwsh.yaml" "$work/state-pwsh"

# name | command (words quoted for the shell; split with eval and run without a shell; its output is discarded)
labels=(); commands=()
add() { labels+=("$1"); commands+=("$2"); }
add "dotnet hello (floor)" "'$out/hello/hello'"
add "emx2-hpc once" "'$out/cli/emx2-hpc' once --simulate -c '$work/cli.yaml'"
add "dotnet hello, JIT" "'$out/hello-jit/hello'"
if [[ -n "$pwsh_bin" ]]; then
  ps_env="env PSModulePath='$out/modules' EMX2_HPC_CONFIG='$work/pwsh.yaml'"
  add "pwsh exit (floor)" "$ps_env '$pwsh_bin' -NoProfile -NonInteractive -c exit"
  add "pwsh Import-Module" "$ps_env '$pwsh_bin' -NoProfile -NonInteractive -c 'Import-Module Emx2Hpc'"
  add "pwsh Invoke-HpcCycle" "$ps_env '$pwsh_bin' -NoProfile -NonInteractive -c 'Invoke-HpcCycle -Simulate'"
fi

echo "== warm-up, then $runs interleaved runs of ${#labels[@]} commands" >&2
for i in "${!labels[@]}"; do
  if ! bash -c "exec ${commands[$i]}" >"$work/warmup-$i.log" 2>&1; then
    echo "run.sh: '${labels[$i]}' failed on its warm-up run:" >&2; cat "$work/warmup-$i.log" >&2; exit 1
  fi
done
for ((r = 0; r < runs; r++)); do
  for i in "${!labels[@]}"; do
    eval "words=(${commands[$i]})"
    "${measure[@]}" "$work/times-$i" "${words[@]}" ||
      { echo "run.sh: '${labels[$i]}' failed on run $((r + 1))" >&2; exit 1; }
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A wall cpu rss
for i in "${!labels[@]}"; do
  wall[$i]="$(awk '{ print $1 }' "$work/times-$i" | median)"
  cpu[$i]="$(awk '{ print $2 }' "$work/times-$i" | median)"
  rss[$i]="$(awk '{ print $3 / 1024 }' "$work/times-$i" | median)"
done
floor_of() { # the floor row for row $1
  case "${labels[$1]}" in pwsh*) echo 3 ;; *) echo 0 ;; esac
}

report="$out/startup.txt"
{
  echo "startup benchmark $(date -u +%Y-%m-%dT%H:%MZ), $runs runs each after one warm-up, medians; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-24s %9s %9s %9s   %-12s %-12s %-12s\n' command wall_s cpu_s rss_MB "wall/floor" "cpu/floor" "rss/floor"
  for i in "${!labels[@]}"; do
    f="$(floor_of "$i")"
    printf '%-24s %9.4f %9.4f %9.1f   %-12s %-12s %-12s\n' "${labels[$i]}" "${wall[$i]}" "${cpu[$i]}" "${rss[$i]}" \
      "$(awk -v a="${wall[$i]}" -v b="${wall[$f]}" 'BEGIN { printf "%.2fx", a / b }')" \
      "$(awk -v a="${cpu[$i]}" -v b="${cpu[$f]}" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }')" \
      "$(awk -v a="${rss[$i]}" -v b="${rss[$f]}" 'BEGIN { printf "%.2fx", a / b }')"
  done
  awk -v a="${wall[1]}" -v b="${wall[2]}" -v c="${cpu[1]}" -v d="${cpu[2]}" \
    'BEGIN { printf "emx2-hpc once against the JIT hello world: %.2fx wall, %.2fx cpu\n", a / b, (d > 0 ? c / d : 0) }'
  echo "targets: emx2-hpc once <= 4x the dotnet floor (wall) and <= 45 MB; pwsh Invoke-HpcCycle <= 1.35x pwsh exit (wall)"
} | tee "$report"
echo "written to $report" >&2
