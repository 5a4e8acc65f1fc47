#Requires -Version 7.4
<#
.SYNOPSIS
    End-to-end scenarios against the worker in the e2e VM: cron in the guest runs `Invoke-HpcCycle` as the service
    user emx2hpc every 20 s; this suite, on the host, talks only to EMX2 (the emulator on 127.0.0.1) and, for the
    fault scenarios, reboots the guest or restarts its slurmctld over ssh.

.DESCRIPTION
    Set up by .ci/vm.sh (build or reuse the box, boot it, install the module from the Package zip, start the
    emulator), which sets:
      EMX2HPC_VM_E2E=1        enables the suite; otherwise every test is reported as skipped.
      EMX2_BASE_URL           the emulator as the host sees it (the guest uses 10.0.2.2 and the same port).
      EMX2HPC_E2E_TOKEN       an Editor token the emulator accepts.
      EMX2HPC_E2E_CONFIG      a client configuration on the host (base_url of the emulator).
      EMX2HPC_VM_WORKER_ID    the worker id configured in the guest.
      EMX2HPC_VM_SSH          an executable that runs its arguments as a shell command in the guest (user vagrant,
                              passwordless sudo).
      EMX2HPC_MODULE_DIR      the built module folder on the host (client cmdlets only).
      EMX2HPC_VM_EMX2_STATE   the emulator's SQLite state file (read-only here: EMX2 has no worker read endpoint,
                              so the heartbeat is read where EMX2 keeps it).
    The guest has two extra partitions besides 'debug', created by .ci/vm.sh: 'parked' (State=DOWN: sbatch accepts,
    nothing starts, so a job stays SUBMITTED) and 'closed' (State=INACTIVE: sbatch refuses, so a job stays CLAIMED).
    They let the cancellation scenarios run beside the others without draining the node the other jobs need.
    Nothing here runs a cycle: every status change comes from cron in the guest.
#>

BeforeDiscovery {
    $script:enabled = $env:EMX2HPC_VM_E2E -eq '1'
    if (-not $enabled) { Write-Warning 'E2E.VM.Tests.ps1: skipped; .ci/vm.sh sets EMX2HPC_VM_E2E=1 after booting the VM.' }
}

BeforeAll {
    $script:enabled = $env:EMX2HPC_VM_E2E -eq '1'
    if (-not $enabled) { return }
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    $directory = $env:EMX2HPC_MODULE_DIR
    if (-not $directory) {
        $version = (Import-PowerShellDataFile (Join-Path $RepoRoot 'module/Emx2Hpc.psd1')).ModuleVersion
        $directory = Join-Path $RepoRoot "out/Emx2Hpc/$version"
    }
    Import-Module (Join-Path $directory 'Emx2Hpc.psd1') -Force -ErrorAction Stop
    $script:token = $env:EMX2HPC_E2E_TOKEN
    $script:baseUrl = $env:EMX2_BASE_URL
    $script:workerId = $env:EMX2HPC_VM_WORKER_ID
    $PSDefaultParameterValues['*-Hpc*:ConfigPath'] = $env:EMX2HPC_E2E_CONFIG
    # Cron cycles in a software-emulated guest take 15-40 s each (pwsh start-up dominates); a job needs several.
    $script:JobSeconds = 420

    function Invoke-Guest {
        param([Parameter(Mandatory)] [string] $Command)
        $output = & $env:EMX2HPC_VM_SSH $Command 2>&1
        if ($LASTEXITCODE -ne 0) { throw "in the guest, '$Command' failed ($LASTEXITCODE): $output" }
        $output
    }

    function New-VmJob {
        param([Parameter(Mandatory)] [string] $ProfileName, [string] $Parameters, [string] $Inputs, [int] $TimeoutSeconds)
        $arguments = @{ Processor = 'e2e-test'; Profile = $ProfileName; Token = $token; Confirm = $false; ErrorAction = 'Stop' }
        if ($Parameters) { $arguments.Parameters = $Parameters }
        if ($Inputs) { $arguments.Inputs = $Inputs }
        if ($TimeoutSeconds) { $arguments.TimeoutSeconds = $TimeoutSeconds }
        New-HpcJob @arguments
    }

    function Get-VmJob { param([string] $Id) Get-HpcJob -Id $Id -Token $token -ErrorAction Stop }

    function Get-StatusPath {
        param([string] $Id)
        $path = [System.Collections.Generic.List[string]]::new()
        foreach ($t in @(Get-HpcJobTransition -Id $Id -Token $token -ErrorAction Stop)) {
            if ($path.Count -eq 0 -or $path[-1] -ne $t.ToStatus) { $path.Add($t.ToStatus) }
        }
        $path.ToArray()
    }

    function Wait-VmJob {
        param([Parameter(Mandatory)] [string] $Id, [Parameter(Mandatory)] [string[]] $Status, [int] $TimeoutSeconds = $JobSeconds)
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ($true) {
            $job = Get-VmJob $Id
            if ($Status -contains "$($job.Status)") { return $job }
            if ([DateTime]::UtcNow -gt $deadline) {
                throw "job $Id still $($job.Status) after $TimeoutSeconds s (waiting for $($Status -join '/')); path: $((Get-StatusPath $Id) -join ' -> ')"
            }
            Start-Sleep -Seconds 3
        }
    }

    function Receive-VmArtifact {
        param([Parameter(Mandatory)] [string] $ArtifactId)
        $target = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = Receive-HpcArtifact -ArtifactId $ArtifactId -Destination $target -Token $token -Confirm:$false -ErrorAction Stop
        $target
    }

    function Get-GuestSacct {
        param([string] $Name)
        @(Invoke-Guest "sacct -a -X -P -n -S now-2hours --name '$Name' -o JobID,State,ExitCode" | Where-Object { $_ })
    }

    function Wait-GuestSacct {
        param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [string] $State, [int] $TimeoutSeconds = 120)
        # slurmdbd records a job's end a little after the controller: wait for the row before counting rows.
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ($true) {
            $rows = @(Get-GuestSacct $Name)
            if ($rows -match "\|$State") { return $rows }
            if ([DateTime]::UtcNow -gt $deadline) { throw "sacct in the guest never showed $Name as $State within $TimeoutSeconds s; rows: $($rows -join '; ')" }
            Start-Sleep -Seconds 3
        }
    }

    function Wait-GuestLog {
        param([Parameter(Mandatory)] [string] $Pattern, [int] $TimeoutSeconds = 180)
        # The worker's cron log in the guest: each cycle's report table, and its warnings as 'WARNING: cycle: …' lines.
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ($true) {
            $null = & $env:EMX2HPC_VM_SSH "sudo grep -qF -- '$Pattern' /var/log/emx2-hpc/cycle.log" 2>$null
            if ($LASTEXITCODE -eq 0) { return }
            if ([DateTime]::UtcNow -gt $deadline) { throw "the guest's cycle log never said '$Pattern' within $TimeoutSeconds s" }
            Start-Sleep -Seconds 5
        }
    }

    function Get-Emx2Worker {
        # EMX2 offers no worker read endpoint (SERVER-SPEC: the UI reads workers through GraphQL): read the
        # emulator's own record, read-only.
        $row = sqlite3 -readonly -separator '|' $env:EMX2HPC_VM_EMX2_STATE "SELECT hostname, registered_at, last_heartbeat_at FROM workers WHERE worker_id = '$workerId'"
        if ($LASTEXITCODE -ne 0 -or -not $row) { return $null }
        $f = "$row" -split '\|'
        [pscustomobject]@{ Hostname = $f[0]; RegisteredAt = [DateTimeOffset]::Parse($f[1]); LastHeartbeatAt = [DateTimeOffset]::Parse($f[2]) }
    }

    function Invoke-Emx2Api {
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

    # Everything that does not need the guest to itself starts together: cron works on all of them at once
    # (the guest's worker runs max_concurrent_jobs 12), which keeps the suite short under software emulation.
    $script:happy = New-VmJob -ProfileName 'bash' -Parameters '{"args":["alpha","beta"]}'
    $script:failing = New-VmJob -ProfileName 'fail'
    $script:nested = New-VmJob -ProfileName 'nested'
    $script:posix = New-VmJob -ProfileName 'posix'
    $script:timeoutJob = New-VmJob -ProfileName 'slow' -TimeoutSeconds 45
    $script:neverSubmitted = New-VmJob -ProfileName 'closed'
    $script:parked = New-VmJob -ProfileName 'parked'

    # Input round trip: a managed artifact uploaded from the host, staged in the guest, transformed by the job.
    $source = (New-Item -ItemType Directory (Join-Path $TestDrive 'transform-input')).FullName
    New-Item -ItemType Directory (Join-Path $source 'reads/sub') -Force | Out-Null
    $script:transformInputs = [ordered]@{
        'reads/a.txt'     = [Text.Encoding]::UTF8.GetBytes("hello world`ncafé ünïcode stays as it is`n")
        'reads/sub/b.txt' = [Text.Encoding]::UTF8.GetBytes("Mixed Case 123 ~!@#`n")
        'bytes.bin'       = [byte[]](0..255)
    }
    foreach ($path in $transformInputs.Keys) { [IO.File]::WriteAllBytes((Join-Path $source $path), $transformInputs[$path]) }
    $script:transformArtifact = Send-HpcArtifact -Path $source -Name 'vm-transform-input' -Confirm:$false -ErrorAction Stop
    # Steps of 45 s: longer than a cron cycle in the guest, so the worker relays progress while the job runs.
    $inputs = ConvertTo-Json -InputObject @(@{ artifact_id = $transformArtifact.ArtifactId }) -Compress
    $script:transform = New-VmJob -ProfileName 'transform' -Inputs $inputs -Parameters '{"environment":{"E2E_STEP_SECONDS":"45"}}'
}

AfterAll {
    $PSDefaultParameterValues.Remove('*-Hpc*:ConfigPath')
}

Describe 'VM: cron runs the module as the service user' -Skip:(-not $enabled) {
    It 'the cron entries run Invoke-HpcCycle as emx2hpc, not root' {
        Invoke-Guest 'cat /etc/cron.d/emx2hpc' | Where-Object { $_ -match 'Invoke-HpcCycle' } | ForEach-Object {
            $_ | Should -Match '^\* \* \* \* \* emx2hpc (sleep (20|40); )?flock -n \S+ pwsh -NoProfile'
        }
        Invoke-Guest 'sudo stat -c %U:%a /etc/emx2-hpc/secret' | Should -Be 'emx2hpc:600'
    }

    It 'the worker registered under its configured id and claims with it' {
        # The emulator offers no worker read endpoint: the claim transition names the worker that made it.
        $null = Wait-VmJob -Id $happy.Id -Status 'CLAIMED', 'SUBMITTED', 'STARTED', 'COMPLETED', 'FAILED'
        $claim = @(Get-HpcJobTransition -Id $happy.Id -Token $token -ErrorAction Stop) | Where-Object { $_.ToStatus -eq 'CLAIMED' }
        $claim.WorkerId | Should -Be $workerId
    }

    It 'EMX2 sees the worker heartbeat from the guest: last_heartbeat_at advances with the cron cycles' {
        $first = Get-Emx2Worker
        $first | Should -Not -BeNullOrEmpty
        $first.Hostname | Should -Be "$(Invoke-Guest 'hostname')".Trim()
        $deadline = [DateTime]::UtcNow.AddSeconds(180)
        do { Start-Sleep -Seconds 5; $later = Get-Emx2Worker }
        until ($later.LastHeartbeatAt -gt $first.LastHeartbeatAt -or [DateTime]::UtcNow -gt $deadline)
        $later.LastHeartbeatAt | Should -BeGreaterThan $first.LastHeartbeatAt
        $later.RegisteredAt | Should -BeLessOrEqual $later.LastHeartbeatAt
    }
}

Describe 'VM: jobs through cron' -Skip:(-not $enabled) {
    It 'happy path: COMPLETED with output and log artifacts, run as emx2hpc' {
        $job = Wait-VmJob -Id $happy.Id -Status 'COMPLETED', 'FAILED', 'CANCELLED'
        $job.Status | Should -Be 'COMPLETED'
        Get-StatusPath $job.Id | Should -Be @('PENDING', 'CLAIMED', 'SUBMITTED', 'STARTED', 'COMPLETED')
        $out = Receive-VmArtifact $job.OutputArtifactId
        Get-Content (Join-Path $out 'greeting.txt') -Raw | Should -BeExactly "hello from $($job.Id)`n"
        [IO.File]::ReadAllText((Join-Path $out 'args.nul')) | Should -BeExactly "alpha`0beta`0"
        $logs = Receive-VmArtifact $job.LogArtifactId
        Get-Content (Join-Path $logs "slurm-$($job.SlurmJobId).out") -Raw | Should -Match "e2e_job: stdout line for job $($job.Id)"
        Invoke-Guest "sacct -X -P -n -j $($job.SlurmJobId) -o User,State" | Should -Be 'emx2hpc|COMPLETED'
    }

    It 'exit code 3: FAILED with exit_code=3:0 and the stderr line in the log artifact' {
        $job = Wait-VmJob -Id $failing.Id -Status 'COMPLETED', 'FAILED', 'CANCELLED'
        $job.Status | Should -Be 'FAILED'
        (@(Get-HpcJobTransition -Id $job.Id -Token $token))[-1].Detail | Should -Match 'exit_code=3:0'
        $logs = Receive-VmArtifact $job.LogArtifactId
        Get-Content (Join-Path $logs "slurm-$($job.SlurmJobId).err") -Raw | Should -Match 'e2e_fail: deliberate failure'
    }

    It 'nested output paths are preserved' {
        $job = Wait-VmJob -Id $nested.Id -Status 'COMPLETED', 'FAILED', 'CANCELLED'
        $job.Status | Should -Be 'COMPLETED'
        $out = Receive-VmArtifact $job.OutputArtifactId
        Get-Content (Join-Path $out 'results/a/b/c.txt') -Raw | Should -BeExactly "deep`n"
        Get-Content (Join-Path $out 'results/x/y.txt') -Raw | Should -BeExactly "shallow`n"
    }

    It 'posix residence: registered, not uploaded; the download redirects to the file in the guest' {
        $job = Wait-VmJob -Id $posix.Id -Status 'COMPLETED', 'FAILED', 'CANCELLED'
        $job.Status | Should -Be 'COMPLETED'
        $response = Invoke-Emx2Api -Method Get -Path "/api/hpc/artifacts/$($job.OutputArtifactId)/files/big.bin"
        $response.StatusCode | Should -Be 302
        $location = [Uri]"$($response.Headers.Location)"
        $location.Scheme | Should -Be 'file'
        # The bytes never left the cluster: the path names a file in the guest, owned by the service user.
        Invoke-Guest "sudo stat -c '%s %U' '$($location.LocalPath)'" | Should -Be '1048576 emx2hpc'
        $listing = (Invoke-Emx2Api -Method Get -Path "/api/hpc/artifacts/$($job.OutputArtifactId)/files").Content | ConvertFrom-Json
        $registered = @($listing.items | Where-Object { $_.path -eq 'big.bin' })
        $registered.Count | Should -Be 1
        $hex = ("$(Invoke-Guest "sudo sha256sum '$($location.LocalPath)'")" -split ' ')[0]
        ($registered[0].sha256 -replace '^sha256:', '') | Should -Be $hex
    }

    It 'input round trip: a managed input is staged in the guest and transformed byte for byte, with progress relayed' {
        $job = Wait-VmJob -Id $transform.Id -Status 'COMPLETED', 'FAILED', 'CANCELLED'
        $job.Status | Should -Be 'COMPLETED'
        $out = Receive-VmArtifact $job.OutputArtifactId
        foreach ($path in $transformInputs.Keys) {
            $expected = [byte[]]($transformInputs[$path] | ForEach-Object { if ($_ -ge 97 -and $_ -le 122) { $_ - 32 } else { $_ } })
            [Convert]::ToHexString([IO.File]::ReadAllBytes((Join-Path $out $path))) | Should -Be ([Convert]::ToHexString($expected))
        }
        $progress = @(Get-HpcJobTransition -Id $job.Id -Token $token | Where-Object { $_.FromStatus -eq 'STARTED' -and $_.ToStatus -eq 'STARTED' })
        $progress.Count | Should -BeGreaterThan 0
        $progress.Phase | ForEach-Object { $_ | Should -BeIn @('staging', 'transform', 'done') }
    }

    It 'timeout_seconds=45: FAILED with the timeout detail, the Slurm job cancelled' {
        $job = Wait-VmJob -Id $timeoutJob.Id -Status 'COMPLETED', 'FAILED', 'CANCELLED'
        $job.Status | Should -Be 'FAILED'
        (@(Get-HpcJobTransition -Id $job.Id -Token $token))[-1].Detail | Should -Match 'timeout: job timeout_seconds \(45s\) exceeded'
        $rows = Wait-GuestSacct "emx2-$($job.Id)" 'CANCELLED'
        $rows.Count | Should -Be 1
    }
}

Describe 'VM: cancellation and deletion' -Skip:(-not $enabled) {
    BeforeAll {
        # Created only now: two sleepers would hold both of the guest's CPUs while the jobs above wait.
        $script:cancelRunning = New-VmJob -ProfileName 'slow'
        $script:undeletable = New-VmJob -ProfileName 'slow'
    }

    It 'cancel at CLAIMED: the worker holds the job while sbatch refuses it; after the cancel nothing reaches Slurm' {
        $job = Wait-VmJob -Id $neverSubmitted.Id -Status 'CLAIMED', 'SUBMITTED', 'STARTED', 'COMPLETED', 'FAILED'
        $job.Status | Should -Be 'CLAIMED'
        # The worker really tried: sbatch refused (partition 'closed' is INACTIVE) and the job went back to wait.
        Wait-GuestLog "job $($job.Id) not submitted yet"
        (Get-VmJob $job.Id).Status | Should -Be 'CLAIMED'
        $null = Stop-HpcJob -Id $job.Id -Token $token -Confirm:$false -ErrorAction Stop
        # Reopen the partition at once: a worker that submitted before it looked at EMX2's cancel would now succeed.
        $null = Invoke-Guest 'sudo scontrol update partitionname=closed state=up'
        try {
            Wait-GuestLog "job $($job.Id) was cancelled in EMX2"
            # One more full cycle after that (EMX2 sees its heartbeat), so a late submission would have happened.
            $seen = (Get-Emx2Worker).LastHeartbeatAt
            $deadline = [DateTime]::UtcNow.AddSeconds(180)
            do { Start-Sleep -Seconds 5 } until ((Get-Emx2Worker).LastHeartbeatAt -gt $seen -or [DateTime]::UtcNow -gt $deadline)
        }
        finally { $null = Invoke-Guest 'sudo scontrol update partitionname=closed state=inactive' }
        Get-StatusPath $job.Id | Should -Be @('PENDING', 'CLAIMED', 'CANCELLED')
        Invoke-Guest "squeue -h -a --name 'emx2-$($job.Id)' -o %i" | Should -BeNullOrEmpty
        Get-GuestSacct "emx2-$($job.Id)" | Should -BeNullOrEmpty
    }

    It 'cancel at SUBMITTED: the pending Slurm job is cancelled through cron' {
        $job = Wait-VmJob -Id $parked.Id -Status 'SUBMITTED', 'STARTED', 'COMPLETED', 'FAILED'
        $job.Status | Should -Be 'SUBMITTED'
        Invoke-Guest "squeue -h -j $($job.SlurmJobId) -o %T" | Should -Be 'PENDING'
        $null = Stop-HpcJob -Id $job.Id -Token $token -Confirm:$false -ErrorAction Stop
        $rows = Wait-GuestSacct "emx2-$($job.Id)" 'CANCELLED' -TimeoutSeconds 240
        $rows.Count | Should -Be 1
        Get-StatusPath $job.Id | Should -Be @('PENDING', 'CLAIMED', 'SUBMITTED', 'CANCELLED')
    }

    It 'cancel at STARTED: EMX2 cancel reaches Slurm through cron' {
        $job = Wait-VmJob -Id $cancelRunning.Id -Status 'STARTED', 'COMPLETED', 'FAILED', 'CANCELLED'
        $job.Status | Should -Be 'STARTED'
        $null = Stop-HpcJob -Id $job.Id -Token $token -Confirm:$false -ErrorAction Stop
        $job = Wait-VmJob -Id $job.Id -Status 'CANCELLED' -TimeoutSeconds 240
        $rows = Wait-GuestSacct "emx2-$($job.Id)" 'CANCELLED' -TimeoutSeconds 240
        $rows.Count | Should -Be 1
    }

    It 'delete rules: a running job cannot be deleted before it is cancelled; afterwards its Slurm job is stopped' {
        $job = Wait-VmJob -Id $undeletable.Id -Status 'STARTED', 'COMPLETED', 'FAILED', 'CANCELLED'
        $job.Status | Should -Be 'STARTED'
        (Invoke-Emx2Api -Method Delete -Path "/api/hpc/jobs/$($job.Id)").StatusCode | Should -Be 409
        (Invoke-Emx2Api -Method Post -Path "/api/hpc/jobs/$($job.Id)/cancel").StatusCode | Should -Be 200
        (Invoke-Emx2Api -Method Delete -Path "/api/hpc/jobs/$($job.Id)").StatusCode | Should -Be 204
        (Invoke-Emx2Api -Method Get -Path "/api/hpc/jobs/$($job.Id)").StatusCode | Should -Be 404
        # EMX2 forgot the job; the worker still stops what it started in Slurm.
        $rows = Wait-GuestSacct "emx2-$($job.Id)" 'CANCELLED' -TimeoutSeconds 240
        $rows.Count | Should -Be 1
    }
}

Describe 'VM: faults' -Skip:(-not $enabled) {
    It 'the VM reboots while a job runs: the job ends once, on one Slurm id, as Slurm recorded it, and cron resumes' {
        # Created here, not with the others: it must still be running when the guest goes down.
        $script:survivor = New-VmJob -ProfileName 'reboot'
        # EMX2 may see STARTED only a cron cycle late: the guest's squeue says when the job really runs.
        $job = Wait-VmJob -Id $survivor.Id -Status 'SUBMITTED', 'STARTED'
        $slurmId = $job.SlurmJobId
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while ((Invoke-Guest "squeue -h -j $slurmId -o %T") -ne 'RUNNING') {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Slurm job $slurmId never ran" }
            Start-Sleep -Seconds 2
        }
        & $env:EMX2HPC_VM_SSH 'sudo systemctl reboot' 2>$null
        Start-Sleep -Seconds 20
        # Under software emulation a boot takes 2-5 minutes, longer when the host is busy.
        $deadline = [DateTime]::UtcNow.AddSeconds(600)
        while (-not ((& $env:EMX2HPC_VM_SSH 'systemctl is-active slurmd' 2>$null) -eq 'active')) {
            if ([DateTime]::UtcNow -gt $deadline) { throw 'the guest did not come back within 600 s of the reboot' }
            Start-Sleep -Seconds 5
        }
        # The reboot killed the job's processes. What Slurm makes of that is Slurm's call: the controller, rebooted
        # in the same moment, recovers the job as running and ends it at its time limit (TIMEOUT), or requeues it
        # (NODE_FAIL) and it runs again under the same id. The worker must follow whichever happens, once.
        $job = Wait-VmJob -Id $survivor.Id -Status 'COMPLETED', 'FAILED', 'CANCELLED' -TimeoutSeconds 600
        "$($job.SlurmJobId)" | Should -Be "$slurmId"
        $rows = @(Get-GuestSacct "emx2-$($job.Id)")
        $rows.Count | Should -Be 1
        (Get-StatusPath $job.Id | Where-Object { $_ -eq 'SUBMITTED' }).Count | Should -Be 1
        $slurmState = ($rows[0] -split '\|')[1] -replace ' .*$'
        $final = (@(Get-HpcJobTransition -Id $job.Id -Token $token))[-1]
        switch ($slurmState) {
            'COMPLETED' { $job.Status | Should -Be 'COMPLETED' }
            'TIMEOUT' { $job.Status | Should -Be 'FAILED'; $final.Detail | Should -Match 'TIMEOUT' }
            default { $job.Status | Should -Be 'FAILED'; $final.Detail | Should -Match $slurmState }
        }
        # Reported by the worker (the /complete call names it), with the log artifact it collected.
        $final.WorkerId | Should -Be $workerId
        $job.LogArtifactId | Should -Not -BeNullOrEmpty
        # Cron resumed on its own after the reboot: a job created now runs start to end.
        $after = New-VmJob -ProfileName 'bash'
        (Wait-VmJob -Id $after.Id -Status 'COMPLETED', 'FAILED', 'CANCELLED').Status | Should -Be 'COMPLETED'
    }

    It 'slurmctld restarted in the guest: a job submitted around it completes' {
        $job = New-VmJob -ProfileName 'bash'
        $null = Wait-VmJob -Id $job.Id -Status 'SUBMITTED', 'STARTED', 'COMPLETED'
        $null = Invoke-Guest 'sudo systemctl restart slurmctld && for i in $(seq 60); do squeue -h >/dev/null 2>&1 && exit 0; sleep 1; done; exit 1'
        $job = Wait-VmJob -Id $job.Id -Status 'COMPLETED', 'FAILED', 'CANCELLED'
        $job.Status | Should -Be 'COMPLETED'
        @(Get-GuestSacct "emx2-$($job.Id)").Count | Should -Be 1
    }
}
