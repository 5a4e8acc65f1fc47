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
        param([Parameter(Mandatory)] [string] $ProfileName, [string] $Parameters)
        $arguments = @{ Processor = 'e2e-test'; Profile = $ProfileName; Token = $token; Confirm = $false; ErrorAction = 'Stop' }
        if ($Parameters) { $arguments.Parameters = $Parameters }
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

    # Started together: cron works on all of them at once (max_concurrent_jobs 4), which keeps the suite short.
    $script:happy = New-VmJob -ProfileName 'bash' -Parameters '{"args":["alpha","beta"]}'
    $script:failing = New-VmJob -ProfileName 'fail'
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

    It 'cancel at STARTED: EMX2 cancel reaches Slurm through cron' {
        $job = New-VmJob -ProfileName 'slow'
        $null = Wait-VmJob -Id $job.Id -Status 'STARTED'
        $null = Stop-HpcJob -Id $job.Id -Token $token -Confirm:$false -ErrorAction Stop
        $job = Wait-VmJob -Id $job.Id -Status 'CANCELLED' -TimeoutSeconds 240
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        do { $rows = Get-GuestSacct "emx2-$($job.Id)"; Start-Sleep -Seconds 3 }
        until ($rows -match 'CANCELLED' -or [DateTime]::UtcNow -gt $deadline)
        $rows | Should -Match '\|CANCELLED'
    }
}

Describe 'VM: faults' -Skip:(-not $enabled) {
    It 'the VM reboots while a job runs: the job ends once, on one Slurm id, and cron resumes' {
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
        $deadline = [DateTime]::UtcNow.AddSeconds(300)
        while (-not ((& $env:EMX2HPC_VM_SSH 'systemctl is-active slurmd' 2>$null) -eq 'active')) {
            if ([DateTime]::UtcNow -gt $deadline) { throw 'the guest did not come back within 300 s of the reboot' }
            Start-Sleep -Seconds 5
        }
        $job = Wait-VmJob -Id $survivor.Id -Status 'COMPLETED', 'FAILED', 'CANCELLED' -TimeoutSeconds 600
        # Slurm requeues a batch job whose node failed; either way the worker must not submit it twice.
        "$($job.SlurmJobId)" | Should -Be "$slurmId"
        @(Get-GuestSacct "emx2-$($job.Id)").Count | Should -Be 1
        (Get-StatusPath $job.Id | Where-Object { $_ -eq 'SUBMITTED' }).Count | Should -Be 1
        $job.Status | Should -Be 'COMPLETED'
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
