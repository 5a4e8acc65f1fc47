# Shared by the Pester suites (dot-sourced in BeforeAll): where the built module and the emulator are, and how to
# start an emulator and write a worker configuration for it. Needs pwsh 7.4+ and a built repository:
#   ./build.ps1 -Task Build          (module folder out/Emx2Hpc/<version>)
#   dotnet build src/Emx2Hpc.Emulator
# EMX2HPC_MODULE_DIR and EMX2HPC_EMULATOR_DLL override the locations (build.ps1 -Task Test sets both).

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-TestModuleDirectory {
    if ($env:EMX2HPC_MODULE_DIR) { return $env:EMX2HPC_MODULE_DIR }
    $version = (Import-PowerShellDataFile (Join-Path $script:RepoRoot 'module/Emx2Hpc.psd1')).ModuleVersion
    Join-Path $script:RepoRoot "out/Emx2Hpc/$version"
}

function Import-TestModule {
    $manifest = Join-Path (Get-TestModuleDirectory) 'Emx2Hpc.psd1'
    if (-not (Test-Path $manifest)) { throw "Built module not found at $manifest; run ./build.ps1 -Task Build first." }
    Import-Module $manifest -Force -ErrorAction Stop
}

# The pwsh running this suite, for child processes. Not [Environment]::ProcessPath: for pwsh installed as a .NET global
# tool that is the dotnet host. $PSHOME holds pwsh's own launcher in every install kind.
function Get-PwshPath {
    $launcher = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path $launcher) { return $launcher }
    (Get-Command pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
}

function Get-EmulatorDll {
    if ($env:EMX2HPC_EMULATOR_DLL) { return $env:EMX2HPC_EMULATOR_DLL }
    $found = Get-ChildItem (Join-Path $script:RepoRoot 'src/Emx2Hpc.Emulator/bin') -Recurse -Filter 'emx2-hpc-emulator.dll' -ErrorAction SilentlyContinue |
        Sort-Object LastWriteTime -Descending | Select-Object -First 1
    if (-not $found) { throw 'emx2-hpc-emulator.dll not found; run dotnet build src/Emx2Hpc.Emulator first.' }
    $found.FullName
}

function New-TestSecretFile {
    param([Parameter(Mandatory)] [string] $Path)
    $bytes = [byte[]]::new(32)
    [System.Security.Cryptography.RandomNumberGenerator]::Fill($bytes)
    Set-Content -LiteralPath $Path -Value ([Convert]::ToHexString($bytes)) -NoNewline
    if (-not $IsWindows) { [System.IO.File]::SetUnixFileMode($Path, [System.IO.UnixFileMode]'UserRead, UserWrite') }
    $Path
}

# Starts `dotnet emx2-hpc-emulator.dll --urls http://127.0.0.1:0 …`, waits for "listening on <url>", and returns
# @{ Process; Url }. Stdout is drained afterwards so a chatty emulator never blocks on a full pipe.
function Start-TestEmulator {
    param(
        [Parameter(Mandatory)] [string] $WorkerSecretFile,
        [string] $WorkerId = 'w1',
        [string] $UserToken = 'admin',
        [ValidateSet('Viewer', 'Editor', 'Manager', 'Owner')] [string] $UserRole = 'Manager',
        [int] $TimeoutSeconds = 60,
        # More emulator options, e.g. '--fault-plan', $file.
        [string[]] $ExtraArguments = @()
    )
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @((Get-EmulatorDll), '--urls', 'http://127.0.0.1:0',
            '--worker-secret', "$WorkerId=$WorkerSecretFile", '--user-token', "$UserToken=$UserRole") + $ExtraArguments) {
        $start.ArgumentList.Add($argument)
    }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($start)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        $read = $process.StandardOutput.ReadLineAsync()
        if (-not $read.Wait([TimeSpan]::FromSeconds($TimeoutSeconds))) { break }
        $line = $read.Result
        if ($null -eq $line) { break }
        if ($line -match '^listening on (\S+)') {
            $null = $process.StandardOutput.ReadToEndAsync()
            return @{ Process = $process; Url = $Matches[1] }
        }
    }
    if (-not $process.HasExited) { $process.Kill($true) }
    throw "The emulator did not print 'listening on <url>' within $TimeoutSeconds s."
}

function Stop-TestEmulator {
    param($Emulator)
    if ($Emulator -and -not $Emulator.Process.HasExited) {
        $Emulator.Process.Kill($true)
        $null = $Emulator.Process.WaitForExit(10000)
    }
}

# A worker configuration for the emulator: one host-entrypoint profile, state and job directories under $Directory.
function New-TestConfig {
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [string] $BaseUrl,
        [Parameter(Mandatory)] [string] $SecretFile,
        [string] $WorkerId = 'w1',
        [string] $Name = 'config.yaml'
    )
    $path = Join-Path $Directory $Name
    @"
emx2:
  base_url: $BaseUrl
  worker_id: $WorkerId
  worker_secret_file: $SecretFile
worker:
  poll_interval_seconds: 1
  state_db: $(Join-Path $Directory "$WorkerId-state.db")
  instance_registry: $(Join-Path $Directory "$WorkerId-instances")
profiles:
  "demo:v1/default":
    host_entrypoint: /bin/true
    cpus: 1
    memory: 1G
    time: "00:05:00"
apptainer:
  tmp_dir: $(Join-Path $Directory 'jobs')
staging:
  allowed_posix_roots:
    - $Directory
"@ | Set-Content -LiteralPath $path
    $path
}

# For E2E.Tests.ps1 on a host with Slurm but no EMX2 (CI, this machine): an emulator as EMX2, and the worker
# configuration of e2e/e2e-config.example.yaml (the same profiles) with the job scripts copied under $Directory,
# which slurmd must be able to read. Sets the variables the example configuration expands and returns
# @{ Emulator; BaseUrl; Token; Config }.
function Start-E2ELocalEnvironment {
    param([Parameter(Mandatory)] [string] $Directory)
    $null = New-Item -ItemType Directory -Force $Directory
    $scripts = (New-Item -ItemType Directory -Force (Join-Path $Directory 'scripts')).FullName
    foreach ($name in 'data', 'jobs', 'state') { $null = New-Item -ItemType Directory -Force (Join-Path $Directory $name) }
    if (-not $IsWindows) {
        [System.IO.File]::SetUnixFileMode($Directory, [System.IO.UnixFileMode][Convert]::ToInt32('755', 8))
        # The jobs root must be the worker's alone: check FAILs and the cycle refuses to stage otherwise.
        [System.IO.File]::SetUnixFileMode((Join-Path $Directory 'jobs'), [System.IO.UnixFileMode][Convert]::ToInt32('700', 8))
    }
    foreach ($script in Get-ChildItem (Join-Path $script:RepoRoot 'e2e/scripts') -Filter '*.sh') {
        $target = Join-Path $scripts $script.Name
        Copy-Item -LiteralPath $script.FullName -Destination $target -Force
        if (-not $IsWindows) { [System.IO.File]::SetUnixFileMode($target, [System.IO.UnixFileMode][Convert]::ToInt32('755', 8)) }
    }
    $workerId = 'e2e-pester-worker'
    $secret = New-TestSecretFile -Path (Join-Path $Directory 'worker.secret')
    $token = 'e2e-editor-' + [guid]::NewGuid().ToString('N')
    $emulator = Start-TestEmulator -WorkerSecretFile $secret -WorkerId $workerId -UserToken $token -UserRole Editor
    $config = Join-Path $Directory 'config.yaml'
    (Get-Content -Raw (Join-Path $script:RepoRoot 'e2e/e2e-config.example.yaml')).
        Replace('/opt/emx2hpc/e2e/scripts', $scripts) | Set-Content -LiteralPath $config
    $env:EMX2_BASE_URL = $emulator.Url
    $env:EMX2_WORKER_ID = $workerId
    $env:EMX2_WORKER_SECRET_FILE = $secret
    $env:EMX2_HPC_STATE_DB = Join-Path $Directory 'state/state.db'
    # Per run: test emulators reuse ports, so a host-wide binding from an earlier run could claim this worker id.
    $env:EMX2_HPC_INSTANCE_REGISTRY = Join-Path $Directory 'state/instances'
    $env:EMX2_HPC_JOBS_DIR = Join-Path $Directory 'jobs'
    $env:EMX2_HPC_DATA_DIR = Join-Path $Directory 'data'
    $env:EMX2_HPC_POSIX_OUTPUT_ROOT = Join-Path $Directory 'results'   # the worker creates it 0700
    @{ Emulator = $emulator; BaseUrl = $emulator.Url; Token = $token; Config = $config }
}
