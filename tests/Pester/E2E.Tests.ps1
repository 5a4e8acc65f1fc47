#Requires -Version 7.4
<#
.SYNOPSIS
    End-to-end scenarios of tests/E2E (xUnit) driven through the Emx2Hpc PowerShell module, against a real Slurm
    cluster and a real (or emulated) EMX2 server.

.DESCRIPTION
    Pester 5, run where the Slurm tools reach the cluster. On a host with Slurm but no EMX2 (CI: .ci/run provisions
    Slurm with e2e/vagrant/provision.sh --local), leave EMX2_BASE_URL unset: the suite starts the EMX2 emulator and
    writes the configuration of e2e/e2e-config.example.yaml itself (job scripts copied to a temporary folder):

        $env:EMX2HPC_E2E = '1'; ./build.ps1 -Task Build, Test      # or Invoke-Pester tests/Pester/E2E.Tests.ps1

    Against a real EMX2, e.g. from the Vagrant VM (e2e/vagrant: `make -C e2e/vagrant up`):

        vagrant ssh            # then, in /opt/emx2hpc with pwsh 7.4+ and Pester 5 installed:
        ./build.ps1 -Task Build
        sudo install -d /etc/emx2-hpc && sudo cp e2e/e2e-config.example.yaml /etc/emx2-hpc/config.yaml
        chmod 755 e2e/scripts/*.sh
        $env:EMX2HPC_E2E = '1'; $env:EMX2_BASE_URL = 'http://10.0.2.2:8080'; $env:EMX2HPC_E2E_TOKEN = '<Editor token>'
        Invoke-Pester tests/Pester/E2E.Tests.ps1 -Output Detailed

    Environment:
      EMX2HPC_E2E=1          enables the suite; otherwise every test is reported as skipped.
      EMX2_BASE_URL          the EMX2 server (also expanded by the configuration's base_url). Unset: a local
                             emulator, with its own token and configuration (the next two are then ignored).
      EMX2HPC_E2E_TOKEN      an EMX2 user token with the Editor role: creates, cancels, deletes and downloads.
      EMX2HPC_E2E_CONFIG     the worker configuration (default /etc/emx2-hpc/config.yaml), with the e2e-test:*
                             profiles of e2e/e2e-config.example.yaml; the worker's secret must be known to EMX2.
      EMX2HPC_MODULE_DIR     the built module folder (default out/Emx2Hpc/<version>, from ./build.ps1 -Task Build).

    The daemon's cycles run in this process with Invoke-HpcCycle, which is what cron runs as
    `pwsh -c Invoke-HpcCycle`. Disable any cron entry for the same worker while the suite runs: another cycle would
    claim and submit the jobs with its own environment. The "cancel at SUBMITTED" scenario drains the node for a few
    seconds (scontrol, as root or through passwordless sudo) and resumes it in a finally block.

    .ci/run runs this suite through ./build.ps1 -Task Test, next to the xUnit scenarios of tests/E2E.
#>

BeforeDiscovery {
    $script:enabled = $env:EMX2HPC_E2E -eq '1'
    if (-not $enabled) {
        Write-Warning 'E2E.Tests.ps1: end-to-end tests skipped; set EMX2HPC_E2E=1 where a Slurm cluster and EMX2 are reachable (see the file header).'
    }
}

BeforeAll {
    $script:enabled = $env:EMX2HPC_E2E -eq '1'   # BeforeDiscovery variables do not reach the run phase
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:Processor = 'e2e-test'
    $script:ShortJobSeconds = 180

    function Import-E2EModule {
        $directory = $env:EMX2HPC_MODULE_DIR
        if (-not $directory) {
            $version = (Import-PowerShellDataFile (Join-Path $RepoRoot 'module/Emx2Hpc.psd1')).ModuleVersion
            $directory = Join-Path $RepoRoot "out/Emx2Hpc/$version"
        }
        $manifest = Join-Path $directory 'Emx2Hpc.psd1'
        if (-not (Test-Path $manifest)) { throw "Built module not found at $manifest; run ./build.ps1 -Task Build first." }
        Import-Module $manifest -Force -ErrorAction Stop
    }

    # --- EMX2 side ------------------------------------------------------------------------------------------------

    # Every job this run created, so AfterAll can scancel what is left of them on the shared cluster.
    $script:createdJobs = [System.Collections.Generic.List[string]]::new()

    function New-E2EJob {
        # (not $Profile: that is PowerShell's automatic variable)
        param([Parameter(Mandatory)] [string] $ProfileName, [string] $Parameters, [string] $Inputs, [int] $TimeoutSeconds)
        $arguments = @{ Processor = $Processor; Profile = $ProfileName; Token = $token; Confirm = $false; ErrorAction = 'Stop' }
        if ($Parameters) { $arguments.Parameters = $Parameters }
        if ($Inputs) { $arguments.Inputs = $Inputs }
        if ($TimeoutSeconds) { $arguments.TimeoutSeconds = $TimeoutSeconds }
        $job = New-HpcJob @arguments
        $createdJobs.Add("$($job.Id)")
        $job
    }

    function Get-E2EJob { param([string] $Id) Get-HpcJob -Id $Id -Token $token -ErrorAction Stop }

    function Get-E2ETransition { param([string] $Id) @(Get-HpcJobTransition -Id $Id -Token $token -ErrorAction Stop) }

    # Statuses in transition order, repeats (progress reports) collapsed.
    function Get-StatusPath {
        param([string] $Id)
        $path = [System.Collections.Generic.List[string]]::new()
        foreach ($t in Get-E2ETransition $Id) { if ($path.Count -eq 0 -or $path[-1] -ne $t.ToStatus) { $path.Add($t.ToStatus) } }
        $path.ToArray()
    }

    function Format-E2EJob {
        param([string] $Id)
        $job = Get-E2EJob $Id
        $lines = @("job $Id is $($job.Status) (slurm $($job.SlurmJobId)); transitions:")
        $lines += Get-E2ETransition $Id | ForEach-Object { "  $($_.FromStatus) -> $($_.ToStatus) [$($_.WorkerId)] $($_.Detail)" }
        $lines -join "`n"
    }

    # One cron cycle in this process; errors (EMX2 unreachable, a failed step) fail the test.
    function Invoke-E2ECycle {
        $report = Invoke-HpcCycle -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        if ($failures) { throw "Invoke-HpcCycle reported errors: $($failures -join '; ')" }
        if ($report.Errors.Count -gt 0) { throw "cycle errors: $($report.Errors -join '; ')" }
        $report
    }

    # Runs a cycle every 2 s until the job reaches one of the statuses.
    function Invoke-CycleUntil {
        param([Parameter(Mandatory)] [string] $Id, [Parameter(Mandatory)] [string[]] $Status, [int] $TimeoutSeconds = $ShortJobSeconds)
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ($true) {
            $null = Invoke-E2ECycle
            $job = Get-E2EJob $Id
            if ($Status -contains $job.Status) { return $job }
            if ([DateTime]::UtcNow -gt $deadline) { throw "gave up after $TimeoutSeconds s waiting for $($Status -join '/'): $(Format-E2EJob $Id)" }
            Start-Sleep -Seconds 2
        }
    }

    function Invoke-JobToEnd {
        param([Parameter(Mandatory)] [string] $Id, [Parameter(Mandatory)] [string] $Expected, [int] $TimeoutSeconds = $ShortJobSeconds)
        $job = Invoke-CycleUntil -Id $Id -Status 'COMPLETED', 'FAILED', 'CANCELLED' -TimeoutSeconds $TimeoutSeconds
        if ($job.Status -ne $Expected) { throw "expected $Expected; $(Format-E2EJob $Id)" }
        $job
    }

    # Downloads an artifact with Receive-HpcArtifact into a fresh folder and returns the folder.
    function Receive-E2EArtifact {
        param([Parameter(Mandatory)] [string] $ArtifactId)
        $target = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = Receive-HpcArtifact -ArtifactId $ArtifactId -Destination $target -Token $token -Confirm:$false -ErrorAction Stop
        $target
    }

    # A raw API call as the Editor user (no cmdlet deletes jobs), redirects not followed.
    function Invoke-E2EApi {
        param([Parameter(Mandatory)] [string] $Method, [Parameter(Mandatory)] [string] $Path)
        $headers = @{
            'X-EMX2-API-Version' = '2025-01'
            'X-Request-Id'       = [guid]::NewGuid().ToString()
            'X-Timestamp'        = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds().ToString()
            'x-molgenis-token'   = $token
        }
        Invoke-WebRequest -Method $Method -Uri ($baseUrl.TrimEnd('/') + $Path) -Headers $headers `
            -MaximumRedirection 0 -SkipHttpErrorCheck -ErrorAction SilentlyContinue
    }

    # `env -0` output: NAME=value entries separated by NUL.
    function ConvertFrom-NulEnvironment {
        param([string] $Path)
        $variables = @{}
        foreach ($entry in ([IO.File]::ReadAllText($Path) -split "`0")) {
            $eq = $entry.IndexOf('=')
            if ($eq -gt 0) { $variables[$entry.Substring(0, $eq)] = $entry.Substring($eq + 1) }
        }
        $variables
    }

    # --- Slurm side -----------------------------------------------------------------------------------------------

    function Get-SacctRow {
        param([string] $SlurmId)
        $line = sacct -X -P -n -j $SlurmId -o 'JobID,JobName,State,ExitCode,Comment' | Where-Object { $_ -like "$SlurmId|*" } | Select-Object -First 1
        if (-not $line) { return $null }
        $f = $line -split '\|'
        [pscustomobject]@{ JobId = $f[0]; JobName = $f[1]; State = $f[2]; BaseState = ($f[2] -split ' ')[0]; ExitCode = $f[3]; Comment = $f[4] }
    }

    # Waits for the final accounting record of the EMX2 job: the state, and the name carrying the full job id.
    function Wait-Accounted {
        param([Parameter(Mandatory)] [string] $JobId, [Parameter(Mandatory)] [string] $SlurmId, [Parameter(Mandatory)] [string] $State)
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ($true) {
            $row = Get-SacctRow $SlurmId
            if ($row -and $row.BaseState -eq $State -and $row.JobName -eq "emx2-$JobId") { return $row }
            if ([DateTime]::UtcNow -gt $deadline) { throw "sacct never showed $SlurmId as $State/emx2-$JobId; last: $($row | Out-String)" }
            Start-Sleep -Seconds 1
        }
    }

    function Get-SqueueState {
        param([string] $SlurmId)
        $line = squeue -h -a -o '%i|%T' | Where-Object { $_ -like "$SlurmId|*" } | Select-Object -First 1
        if ($line) { ($line -split '\|')[1] } else { $null }
    }

    function Wait-LeavesQueue {
        param([string] $SlurmId, [int] $TimeoutSeconds = 30)
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ((Get-SqueueState $SlurmId) -in 'RUNNING', 'PENDING', 'CONFIGURING') {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Slurm job $SlurmId is still in the queue after $TimeoutSeconds s" }
            Start-Sleep -Seconds 1
        }
    }

    function Invoke-SlurmAdmin {
        param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
        if ((id -u) -eq '0') { & scontrol @Arguments } else { & sudo -n scontrol @Arguments }
        if ($LASTEXITCODE -ne 0) { throw "scontrol $Arguments failed (needs root or passwordless sudo)" }
    }

    if (-not $enabled) { return }
    Import-E2EModule
    $script:local = $null
    if (-not $env:EMX2_BASE_URL) {
        . (Join-Path $PSScriptRoot 'Emx2Hpc.TestSupport.ps1')
        $script:savedEnvironment = @{}
        foreach ($name in 'EMX2_BASE_URL', 'EMX2_WORKER_ID', 'EMX2_WORKER_SECRET_FILE', 'EMX2_HPC_STATE_DB', 'EMX2_HPC_INSTANCE_REGISTRY', 'EMX2_HPC_JOBS_DIR', 'EMX2_HPC_DATA_DIR') {
            $savedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
        }
        $script:local = Start-E2ELocalEnvironment -Directory (Join-Path ([IO.Path]::GetTempPath()) "emx2hpc-e2e-pester-$([guid]::NewGuid().ToString('N'))")
        $script:baseUrl = $local.BaseUrl
        $script:token = $local.Token
        $script:config = $local.Config
    }
    else {
        if (-not $env:EMX2HPC_E2E_TOKEN) { throw 'EMX2HPC_E2E_TOKEN is not set (see the header of E2E.Tests.ps1)' }
        $script:baseUrl = $env:EMX2_BASE_URL
        $script:token = $env:EMX2HPC_E2E_TOKEN
        $script:config = if ($env:EMX2HPC_E2E_CONFIG) { $env:EMX2HPC_E2E_CONFIG } else { '/etc/emx2-hpc/config.yaml' }
    }
    $PSDefaultParameterValues['*-Hpc*:ConfigPath'] = $config

    # The two time-limit scenarios need a minute of real time: start them now, check them last.
    $script:walltimeJob = New-E2EJob -ProfileName 'walltime'
    $script:timeoutJob = New-E2EJob -ProfileName 'slow' -TimeoutSeconds 20
}

AfterAll {
    $PSDefaultParameterValues.Remove('*-Hpc*:ConfigPath')
    if (-not $enabled) { return }
    # A failed scenario may leave a sleeping job behind; the cluster is shared.
    foreach ($id in $createdJobs) { scancel --name "emx2-$id" 2>$null }
    if ($local) {
        Stop-TestEmulator $local.Emulator
        foreach ($name in $savedEnvironment.Keys) { [Environment]::SetEnvironmentVariable($name, $savedEnvironment[$name]) }
        Remove-Item -LiteralPath (Split-Path $local.Config) -Recurse -Force -ErrorAction SilentlyContinue
    }
}

Describe 'E2E: worker registration and health' -Skip:(-not $enabled) {
    It 'Test-HpcConfig passes every check against EMX2 and the cluster' {
        $checks = @(Test-HpcConfig)
        $checks | Where-Object { "$($_.Status)" -eq 'Fail' } | Should -BeNullOrEmpty
        $checks.Name | Should -Contain 'sbatch'
    }

    It 'Register-HpcWorker registers the configured worker, and every cycle registers again' {
        $registration = Register-HpcWorker -Confirm:$false -ErrorAction Stop
        $registration.WorkerId | Should -Not -BeNullOrEmpty
        $registration.LastHeartbeatAt | Should -Not -BeNullOrEmpty
        (Invoke-E2ECycle).Registered | Should -BeTrue
    }
}

Describe 'E2E: jobs on Slurm' -Skip:(-not $enabled) {
    It 'happy path: COMPLETED with committed output and log artifacts, named emx2-<uuid> in sacct' {
        $job = New-E2EJob -ProfileName 'bash' -Parameters '{"args":["alpha","beta"]}'
        $job = Invoke-JobToEnd -Id $job.Id -Expected 'COMPLETED'

        Get-StatusPath $job.Id | Should -Be @('PENDING', 'CLAIMED', 'SUBMITTED', 'STARTED', 'COMPLETED')
        $out = Receive-E2EArtifact $job.OutputArtifactId
        Get-Content (Join-Path $out 'greeting.txt') -Raw | Should -BeExactly "hello from $($job.Id)`n"
        [IO.File]::ReadAllText((Join-Path $out 'args.nul')) | Should -BeExactly "alpha`0beta`0"
        $logs = Receive-E2EArtifact $job.LogArtifactId
        Get-Content (Join-Path $logs "slurm-$($job.SlurmJobId).out") -Raw | Should -Match "e2e_job: stdout line for job $($job.Id)"
        Get-Content (Join-Path $logs "slurm-$($job.SlurmJobId).err") -Raw | Should -Match "e2e_job: stderr line for job $($job.Id)"
        $row = Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'COMPLETED'
        $row.ExitCode | Should -Be '0:0'
    }

    It 'exit code 3: FAILED with exit_code=3:0 and the stderr line in the log artifact' {
        $job = New-E2EJob -ProfileName 'fail'
        $job = Invoke-JobToEnd -Id $job.Id -Expected 'FAILED'

        (Get-E2ETransition $job.Id)[-1].Detail | Should -Match 'exit_code=3:0'
        $logs = Receive-E2EArtifact $job.LogArtifactId
        Get-Content (Join-Path $logs "slurm-$($job.SlurmJobId).err") -Raw | Should -Match 'e2e_fail: deliberate failure'
        (Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'FAILED').ExitCode | Should -Be '3:0'
    }

    It 'posix residence: registered, not uploaded; downloads redirect to file://' {
        $job = New-E2EJob -ProfileName 'posix'
        $job = Invoke-JobToEnd -Id $job.Id -Expected 'COMPLETED'

        $response = Invoke-E2EApi -Method Get -Path "/api/hpc/artifacts/$($job.OutputArtifactId)/files/big.bin"
        $response.StatusCode | Should -Be 302
        $location = [Uri]"$($response.Headers.Location)"
        $location.Scheme | Should -Be 'file'
        (Get-Item $location.LocalPath).Length | Should -Be 1048576
        $null = Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'COMPLETED'
    }

    It 'managed input is transformed byte for byte, with progress in the transition history' {
        $source = (New-Item -ItemType Directory (Join-Path $TestDrive 'transform-input')).FullName
        New-Item -ItemType Directory (Join-Path $source 'reads/sub') -Force | Out-Null
        $inputs = [ordered]@{
            'reads/a.txt'     = [Text.Encoding]::UTF8.GetBytes("hello world`ncafé ünïcode stays as it is`n")
            'reads/sub/b.txt' = [Text.Encoding]::UTF8.GetBytes("Mixed Case 123 ~!@#`n")
            'bytes.bin'       = [byte[]](0..255)
        }
        foreach ($path in $inputs.Keys) { [IO.File]::WriteAllBytes((Join-Path $source $path), $inputs[$path]) }
        $artifact = Send-HpcArtifact -Path $source -Name 'e2e-transform-input' -Confirm:$false -ErrorAction Stop
        $artifact.Status | Should -Be 'COMMITTED'

        $job = New-E2EJob -ProfileName 'transform' -Inputs (ConvertTo-Json -InputObject @(@{ artifact_id = $artifact.ArtifactId }) -Compress)
        $job = Invoke-JobToEnd -Id $job.Id -Expected 'COMPLETED'

        $out = Receive-E2EArtifact $job.OutputArtifactId
        foreach ($path in $inputs.Keys) {
            $expected = [byte[]]($inputs[$path] | ForEach-Object { if ($_ -ge 97 -and $_ -le 122) { $_ - 32 } else { $_ } })
            [Convert]::ToHexString([IO.File]::ReadAllBytes((Join-Path $out $path))) | Should -Be ([Convert]::ToHexString($expected))
        }
        $progress = @(Get-E2ETransition $job.Id | Where-Object { $_.FromStatus -eq 'STARTED' -and $_.ToStatus -eq 'STARTED' })
        $progress.Count | Should -BeGreaterThan 0
        $progress[-1].Phase | Should -Be 'done'
        $progress[-1].Progress | Should -Be 1.0
        $null = Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'COMPLETED'
    }

    It 'progress lines become STARTED -> STARTED transitions; a half-written line is skipped' {
        $job = New-E2EJob -ProfileName 'progress'
        $job = Invoke-JobToEnd -Id $job.Id -Expected 'COMPLETED'

        $progress = @(Get-E2ETransition $job.Id | Where-Object { $_.FromStatus -eq 'STARTED' -and $_.ToStatus -eq 'STARTED' })
        $progress.Count | Should -BeGreaterOrEqual 2
        $progress.Phase | ForEach-Object { $_ | Should -BeIn @('load', 'compute', 'write') }
        $progress[-1].Phase | Should -Be 'write'
        $null = Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'COMPLETED'
    }

    It 'nested output paths are preserved' {
        $job = New-E2EJob -ProfileName 'nested'
        $job = Invoke-JobToEnd -Id $job.Id -Expected 'COMPLETED'

        $out = Receive-E2EArtifact $job.OutputArtifactId
        Get-Content (Join-Path $out 'results/a/b/c.txt') -Raw | Should -BeExactly "deep`n"
        Get-Content (Join-Path $out 'results/x/y.txt') -Raw | Should -BeExactly "shallow`n"
        $null = Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'COMPLETED'
    }

    It 'jobs do not inherit the daemon''s environment' {
        $marker = "leak-$([guid]::NewGuid().ToString('N'))"
        $job = New-E2EJob -ProfileName 'bash'
        $env:EMX2HPC_DAEMON_SECRET_PROBE = $marker
        try { $job = Invoke-JobToEnd -Id $job.Id -Expected 'COMPLETED' }
        finally { Remove-Item Env:EMX2HPC_DAEMON_SECRET_PROBE -ErrorAction SilentlyContinue }

        $out = Receive-E2EArtifact $job.OutputArtifactId
        $variables = ConvertFrom-NulEnvironment (Join-Path $out 'env.nul')
        $variables.Keys | Should -Not -Contain 'EMX2HPC_DAEMON_SECRET_PROBE'
        [IO.File]::ReadAllText((Join-Path $out 'env.nul')) | Should -Not -Match $marker
        $variables['HPC_JOB_ID'] | Should -Be $job.Id
        $variables.Keys | Should -Contain 'HPC_OUTPUT_DIR'
        $null = Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'COMPLETED'
    }

    It 'hostile arguments and environment values reach the job verbatim' {
        $pwned = "/tmp/pwned-$([guid]::NewGuid().ToString('N'))"
        $hostileArgs = @("`$(touch $pwned)", "``touch $pwned``", "; touch $pwned;", "it's `"double`" and 'single'", "line one`nline two", '$HOME ${PATH} \ *', ' spaced ')
        # No line break: job environment values with one are refused; args keep theirs.
        $value = "it's `"quoted`" `$(touch $pwned) ``id`` ; \ `$HOME second part"
        $parameters = ConvertTo-Json -InputObject @{ args = $hostileArgs; environment = @{ E2E_HOSTILE = $value } } -Compress -Depth 5
        $job = New-E2EJob -ProfileName 'bash' -Parameters $parameters
        $job = Invoke-JobToEnd -Id $job.Id -Expected 'COMPLETED'

        $out = Receive-E2EArtifact $job.OutputArtifactId
        $received = [IO.File]::ReadAllText((Join-Path $out 'args.nul')) -split "`0"
        $received[0..($received.Count - 2)] | Should -Be $hostileArgs
        (ConvertFrom-NulEnvironment (Join-Path $out 'env.nul'))['E2E_HOSTILE'] | Should -BeExactly $value
        Test-Path $pwned | Should -BeFalse
        $null = Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'COMPLETED'
    }
}

Describe 'E2E: cancellation and deletion' -Skip:(-not $enabled) {
    It 'cancel at CLAIMED: nothing ever reaches Slurm' {
        $job = New-E2EJob -ProfileName 'bash'
        (Receive-HpcJob -Id $job.Id -Confirm:$false -ErrorAction Stop).Status | Should -Be 'CLAIMED'
        $null = Stop-HpcJob -Id $job.Id -Token $token -Confirm:$false -ErrorAction Stop
        $null = Invoke-E2ECycle

        (Get-E2EJob $job.Id).Status | Should -Be 'CANCELLED'
        Get-StatusPath $job.Id | Should -Be @('PENDING', 'CLAIMED', 'CANCELLED')
        @(Get-HpcTrackedJob).JobId | Should -Not -Contain $job.Id
        squeue -h -a --name "emx2-$($job.Id)" -o '%i' | Should -BeNullOrEmpty
        sacct -X -P -n -S now-1days --name "emx2-$($job.Id)" -o JobID | Should -BeNullOrEmpty
    }

    It 'cancel at SUBMITTED: the pending Slurm job is cancelled' {
        $nodes = @(sinfo -h -N -p debug -o '%N' | Sort-Object -Unique)
        Invoke-SlurmAdmin update "nodename=$($nodes -join ',')" state=drain reason=emx2hpc-e2e-pester
        try {
            $job = New-E2EJob -ProfileName 'bash'
            $job = Invoke-CycleUntil -Id $job.Id -Status 'SUBMITTED', 'STARTED' -TimeoutSeconds 60
            $job.Status | Should -Be 'SUBMITTED'
            Get-SqueueState $job.SlurmJobId | Should -Be 'PENDING'
            $null = Stop-HpcJob -Id $job.Id -Token $token -Confirm:$false -ErrorAction Stop
            $null = Invoke-E2ECycle
            Wait-LeavesQueue $job.SlurmJobId -TimeoutSeconds 15
        }
        finally {
            Invoke-SlurmAdmin update "nodename=$($nodes -join ',')" state=resume
        }
        Get-StatusPath $job.Id | Should -Be @('PENDING', 'CLAIMED', 'SUBMITTED', 'CANCELLED')
        $null = Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'CANCELLED'
    }

    It 'cancel at STARTED: the running Slurm job is stopped' {
        $job = New-E2EJob -ProfileName 'slow'
        $job = Invoke-CycleUntil -Id $job.Id -Status 'STARTED'
        Get-SqueueState $job.SlurmJobId | Should -Be 'RUNNING'
        $null = $job | Stop-HpcJob -Token $token -Confirm:$false -ErrorAction Stop
        $null = Invoke-E2ECycle

        (Get-E2EJob $job.Id).Status | Should -Be 'CANCELLED'
        Wait-LeavesQueue $job.SlurmJobId
        $null = Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'CANCELLED'
    }

    It 'a running job cannot be deleted before it is cancelled; afterwards its Slurm job is stopped' {
        $job = New-E2EJob -ProfileName 'slow'
        $job = Invoke-CycleUntil -Id $job.Id -Status 'STARTED'
        (Invoke-E2EApi -Method Delete -Path "/api/hpc/jobs/$($job.Id)").StatusCode | Should -Be 409
        (Invoke-E2EApi -Method Post -Path "/api/hpc/jobs/$($job.Id)/cancel").StatusCode | Should -Be 200
        (Invoke-E2EApi -Method Delete -Path "/api/hpc/jobs/$($job.Id)").StatusCode | Should -Be 204
        $null = Invoke-E2ECycle

        Wait-LeavesQueue $job.SlurmJobId
        @(Get-HpcTrackedJob).JobId | Should -Not -Contain $job.Id
    }

    It 'scancel outside the daemon is reported CANCELLED by the worker, with a log artifact' {
        $job = New-E2EJob -ProfileName 'slow'
        $job = Invoke-CycleUntil -Id $job.Id -Status 'STARTED'
        scancel $job.SlurmJobId
        $job = Invoke-JobToEnd -Id $job.Id -Expected 'CANCELLED'

        $final = (Get-E2ETransition $job.Id)[-1]
        $final.WorkerId | Should -Not -BeNullOrEmpty   # reported by the worker through /complete, not the API
        $final.Detail | Should -Match 'slurm_state=CANCELLED'
        $job.LogArtifactId | Should -Not -BeNullOrEmpty
        (Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'CANCELLED').State | Should -Match '^CANCELLED by '
    }
}

Describe 'E2E: time limits (started in BeforeAll)' -Skip:(-not $enabled) {
    It 'timeout_seconds=20: FAILED with the timeout detail, the Slurm job cancelled' {
        $job = Invoke-JobToEnd -Id $timeoutJob.Id -Expected 'FAILED' -TimeoutSeconds 240
        (Get-E2ETransition $job.Id)[-1].Detail | Should -Match 'timeout: job timeout_seconds \(20s\) exceeded'
        Wait-LeavesQueue $job.SlurmJobId
        $null = Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'CANCELLED'
    }

    It 'Slurm wall time 00:01:00: FAILED with TIMEOUT' {
        $job = Invoke-JobToEnd -Id $walltimeJob.Id -Expected 'FAILED' -TimeoutSeconds 240
        (Get-E2ETransition $job.Id)[-1].Detail | Should -Match 'TIMEOUT'
        $null = Wait-Accounted -JobId $job.Id -SlurmId $job.SlurmJobId -State 'TIMEOUT'
    }
}
