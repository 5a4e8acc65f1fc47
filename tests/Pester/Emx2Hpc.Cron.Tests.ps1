#Requires -Version 7.4
# Pester 5: the install story and the cron contract, as a user and cron see them.
#   Install: the Package zip expanded into the user's module folder ($HOME/.local/share/powershell/Modules) imports
#   by name; Test-ModuleManifest passes; Get-Command -Module Emx2Hpc equals the manifest's exports.
#   Cron: `pwsh -NoProfile -NonInteractive -c 'Invoke-HpcCycle …'` under `env -i` with only PATH, HOME, SHELL and
#   LOGNAME exits 0 (success), 1 (EMX2 down) or 2 (unusable configuration); its redirected log has no ANSI escapes
#   and no progress bars; a run that overlaps a running cycle is skipped and exits 0 (docs/powershell.md).
# The zip comes from $env:EMX2HPC_PACKAGE_ZIP (./build.ps1 -Task Test sets it) or out/Emx2Hpc-<version>.zip.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Emx2Hpc.TestSupport.ps1')
    $script:version = (Import-PowerShellDataFile (Join-Path $RepoRoot 'module/Emx2Hpc.psd1')).ModuleVersion
    $zip = if ($env:EMX2HPC_PACKAGE_ZIP) { $env:EMX2HPC_PACKAGE_ZIP } else { Join-Path $RepoRoot "out/Emx2Hpc-$version.zip" }
    if (-not (Test-Path $zip)) { throw "No package at $zip; run ./build.ps1 -Task Package first." }

    # A fresh home, as a new user would have; the module goes where pwsh looks for the user's modules.
    $script:cronHome = (New-Item -ItemType Directory (Join-Path $TestDrive 'home')).FullName
    $script:userModules = Join-Path $cronHome '.local/share/powershell/Modules'
    Expand-Archive -LiteralPath $zip -DestinationPath $userModules
    $script:installed = Join-Path $userModules "Emx2Hpc/$version"
    Import-Module (Join-Path $installed 'Emx2Hpc.psd1') -Force -ErrorAction Stop   # for the test's own EMX2 calls

    # cron's PATH: pwsh's directory (a .NET global tool here) and the system directories, nothing else.
    $pwshDirectory = Split-Path (Get-PwshPath)
    $script:cronPath = "${pwshDirectory}:/usr/local/bin:/usr/bin:/bin"
    $script:logName = [Environment]::UserName

    $script:secret = New-TestSecretFile -Path (Join-Path $TestDrive 'w1.secret')
    $script:emulator = Start-TestEmulator -WorkerSecretFile $secret
    $script:config = New-TestConfig -Directory $TestDrive -BaseUrl $emulator.Url -SecretFile $secret

    # Runs one pwsh command line under `env -i` (only PATH, HOME, SHELL, LOGNAME), stdout and stderr redirected to
    # one log file as a crontab line `… >> log 2>&1` would; returns @{ ExitCode; Log }.
    function Invoke-AsCron {
        param([Parameter(Mandatory)] [string] $Command, [string] $Name = [guid]::NewGuid().ToString('N'))
        $log = Join-Path $TestDrive "$Name.log"
        & env -i "PATH=$cronPath" "HOME=$cronHome" 'SHELL=/bin/sh' "LOGNAME=$logName" /bin/sh -c 'exec pwsh -NoProfile -NonInteractive -c "$0" >"$1" 2>&1' $Command $log
        @{ ExitCode = $LASTEXITCODE; Log = [IO.File]::ReadAllText($log) }
    }
}

AfterAll {
    Remove-Module Emx2Hpc -ErrorAction SilentlyContinue   # it was imported from this suite's TestDrive
    Stop-TestEmulator $emulator
}

Describe 'Install from the Package zip' {
    It 'expands to Emx2Hpc/<version>/ with the manifest at the top' {
        Test-Path (Join-Path $installed 'Emx2Hpc.psd1') | Should -BeTrue
    }

    It 'passes Test-ModuleManifest' {
        $module = Test-ModuleManifest -Path (Join-Path $installed 'Emx2Hpc.psd1') -ErrorAction Stop
        $module.Version | Should -Be ([version]$version)
    }

    It 'imports by name from the user''s module folder in a clean environment, exporting exactly the manifest''s cmdlets' {
        $result = Invoke-AsCron -Command 'Import-Module Emx2Hpc -ErrorAction Stop; (Get-Module Emx2Hpc).ModuleBase; (Get-Command -Module Emx2Hpc).Name | Sort-Object'
        $result.ExitCode | Should -Be 0 -Because $result.Log
        $lines = @($result.Log.Trim() -split "`r?`n")
        $lines[0] | Should -Be $installed
        $expected = (Import-PowerShellDataFile (Join-Path $installed 'Emx2Hpc.psd1')).CmdletsToExport | Sort-Object
        $lines[1..($lines.Count - 1)] | Should -Be $expected
    }
}

Describe 'Cron contract: pwsh -NoProfile -NonInteractive -c Invoke-HpcCycle' {
    It 'exits 0 after a successful cycle; the redirected log has no ANSI escapes and no progress bars' {
        $job = New-HpcJob -Processor 'demo:v1' -ConfigPath $config -Token 'admin' -Confirm:$false
        $result = Invoke-AsCron -Name 'ok' -Command "Invoke-HpcCycle -ConfigPath '$config' -Simulate -Verbose"
        $result.ExitCode | Should -Be 0 -Because $result.Log
        $result.Log | Should -Match 'VERBOSE: '
        $result.Log | Should -Match 'Registered'   # the report's table view
        (Get-HpcJob -Id $job.Id -ConfigPath $config).Status | Should -Not -Be 'PENDING'
        $result.Log.Contains([char]27) | Should -BeFalse -Because 'a log file must not carry ANSI escape sequences'
        $result.Log | Should -Not -Match '\[o+\s*\]|PercentComplete'
    }

    It 'exits 1 when EMX2 is down, still writing the report and the Emx2Hpc.Emx2Unreachable error to the log' {
        $directory = (New-Item -ItemType Directory (Join-Path $TestDrive 'down')).FullName
        $down = New-TestConfig -Directory $directory -BaseUrl 'http://127.0.0.1:9/' -SecretFile $secret
        $result = Invoke-AsCron -Name 'down' -Command "Invoke-HpcCycle -ConfigPath '$down' -Simulate"
        $result.ExitCode | Should -Be 1 -Because $result.Log
        $result.Log | Should -Match 'The cycle could not work with EMX2'
        $result.Log | Should -Match 'Skipped\s+Registered'   # the report came first
        $result.Log.Contains([char]27) | Should -BeFalse
    }

    It 'exits 2 when the configuration is unusable, naming the problem' {
        $bad = Join-Path $TestDrive 'bad.yaml'
        Set-Content $bad "emx2:`n  base_url: not a url`nworker:`n  poll_interval_seconds: 0"
        $result = Invoke-AsCron -Name 'bad' -Command "Invoke-HpcCycle -ConfigPath '$bad' -Simulate"
        $result.ExitCode | Should -Be 2 -Because $result.Log
        $result.Log | Should -Match 'base_url'
    }

    It 'exits 2 when the configuration file does not exist' {
        $result = Invoke-AsCron -Name 'missing' -Command "Invoke-HpcCycle -ConfigPath '$(Join-Path $TestDrive 'nope.yaml')' -Simulate"
        $result.ExitCode | Should -Be 2 -Because $result.Log
    }

    It 'a run overlapping a running cycle is skipped and exits 0; the next run works normally' {
        # The cycle lock is an advisory lock on <state_db>.lock; holding it with flock(1) is what a long cycle does.
        $lock = (Join-Path $TestDrive 'w1-state.db') + '.lock'
        # -o: flock itself holds the lock, not the sleep it starts, so killing flock frees it.
        $holder = Start-Process -FilePath flock -ArgumentList '-x', '-o', $lock, 'sleep', '30' -PassThru
        try {
            Start-Sleep -Milliseconds 500
            $result = Invoke-AsCron -Name 'overlap' -Command "(Invoke-HpcCycle -ConfigPath '$config' -Simulate) | Format-List Skipped, SkipReason"
            $result.ExitCode | Should -Be 0 -Because $result.Log
            $result.Log | Should -Match 'Skipped\s*:\s*True'
        }
        finally {
            $holder.Kill($true)
            $holder.WaitForExit()
        }
        $after = Invoke-AsCron -Name 'after' -Command "(Invoke-HpcCycle -ConfigPath '$config' -Simulate) | Format-List Skipped"
        $after.ExitCode | Should -Be 0 -Because $after.Log
        $after.Log | Should -Match 'Skipped\s*:\s*False'
    }
}
