#Requires -Version 7.4
# Pester 5: how the cmdlets behave for a person at the console, against the EMX2 emulator:
#   every parameter set, -WhatIf and -Confirm on every cmdlet that changes something, error ids and categories,
#   Write-Progress records during transfers, Ctrl-C (PowerShell.Stop → StopProcessing) during Start-HpcDaemon and
#   during an upload that hangs, and tab completion of -Status, -Processor and -Profile.
# Progress, Ctrl-C and -Confirm run the cmdlet in a second runspace of this process ([powershell]::Create()), which
# is how a host sees them: its Streams.Progress, Stop() and a host without a user to ask.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Emx2Hpc.TestSupport.ps1')
    Import-TestModule
    $script:manifest = Join-Path (Get-TestModuleDirectory) 'Emx2Hpc.psd1'
    $script:secret = New-TestSecretFile -Path (Join-Path $TestDrive 'w1.secret')
    # The first upload of a file named hang.bin never gets an answer: an upload that takes "forever".
    $script:faultPlan = Join-Path $TestDrive 'faults.json'
    Set-Content $faultPlan '{"rules":[{"method":"PUT","path":"hang\\.bin","action":"timeout","delay_ms":120000,"times":1}]}'
    $script:emulator = Start-TestEmulator -WorkerSecretFile $secret -ExtraArguments '--fault-plan', $faultPlan
    $script:config = New-TestConfig -Directory $TestDrive -BaseUrl $emulator.Url -SecretFile $secret
    $script:token = 'admin'
    $PSDefaultParameterValues['*-Hpc*:ConfigPath'] = $config
    $PSDefaultParameterValues['Submit-SlurmJob:ConfigPath'] = $config

    function New-DemoJob { New-HpcJob -Processor 'demo:v1' -Profile 'default' -Token $token -Confirm:$false }

    # A runspace of its own with the module imported; the caller adds one script and invokes it.
    function New-HostedPipeline([string] $Script) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$manifest'; `$PSDefaultParameterValues['*-Hpc*:ConfigPath'] = '$config'; $Script")
        $ps
    }

    function New-DataDirectory([string] $Name, [int] $Files, [int] $MegaBytes) {
        $directory = (New-Item -ItemType Directory (Join-Path $TestDrive $Name)).FullName
        $bytes = [byte[]]::new($MegaBytes * 1MB)
        [Random]::new(42).NextBytes($bytes)
        foreach ($i in 1..$Files) { [IO.File]::WriteAllBytes((Join-Path $directory "part-$i.bin"), $bytes) }
        $directory
    }
}

AfterAll {
    $PSDefaultParameterValues.Remove('*-Hpc*:ConfigPath')
    $PSDefaultParameterValues.Remove('Submit-SlurmJob:ConfigPath')
    Stop-TestEmulator $emulator
}

Describe 'Parameter sets' {
    It 'every cmdlet has exactly the parameter sets exercised here' {
        $sets = @{}
        foreach ($command in Get-Command -Module Emx2Hpc) { $sets[$command.Name] = @($command.ParameterSets.Name | Sort-Object) }
        $sets['Get-HpcJob'] | Should -Be @('ById', 'List')
        $sets['Receive-HpcJob'] | Should -Be @('ByCapability', 'ById')
        foreach ($name in $sets.Keys | Where-Object { $_ -notin 'Get-HpcJob', 'Receive-HpcJob' }) {
            $sets[$name].Count | Should -Be 1 -Because "$name has one parameter set (its other tests cover it)"
        }
    }

    It 'Get-HpcJob: List (filters, paging) and ById' {
        $job = New-DemoJob
        (Get-HpcJob -Status PENDING -Processor 'demo:v1' -Profile 'default' -All).Id | Should -Contain $job.Id
        (Get-Command Get-HpcJob).ResolveParameter('Id').ParameterSets.Keys | Should -Be 'ById'
        (Get-HpcJob -Id $job.Id).Id | Should -Be $job.Id
        (Get-HpcJob $job.Id).Id | Should -Be $job.Id   # positional
    }

    It 'Receive-HpcJob: ById from the pipeline and ByCapability with -Count' {
        $byId = New-DemoJob
        ($byId | Receive-HpcJob -Confirm:$false).Status | Should -Be 'CLAIMED'
        $null = New-DemoJob
        $claimed = @(Receive-HpcJob -Count 1 -Confirm:$false)
        $claimed.Count | Should -Be 1
        $claimed[0].Status | Should -Be 'CLAIMED'
    }
}

Describe '-WhatIf changes nothing' {
    It 'Register-HpcWorker -WhatIf registers nothing and outputs nothing' {
        Register-HpcWorker -WhatIf | Should -BeNullOrEmpty
    }

    It 'Submit-SlurmJob -WhatIf leaves a claimed job CLAIMED' {
        $job = New-DemoJob | Receive-HpcJob -Confirm:$false
        $job | Submit-SlurmJob -Simulate -WhatIf | Should -BeNullOrEmpty
        (Get-HpcJob -Id $job.Id).Status | Should -Be 'CLAIMED'
    }

    It 'Start-HpcDaemon -WhatIf returns at once without running a cycle' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Start-HpcDaemon -Simulate -WhatIf
        $watch.Elapsed | Should -BeLessThan ([TimeSpan]::FromSeconds(10))
    }

    It 'Receive-HpcArtifact -WhatIf creates no destination' {
        $file = Join-Path $TestDrive 'whatif-source.txt'
        Set-Content $file 'x'
        $artifact = Send-HpcArtifact -Path $file -Confirm:$false
        $target = Join-Path $TestDrive 'whatif-target'
        $artifact | Receive-HpcArtifact -Destination $target -Token $token -WhatIf | Should -BeNullOrEmpty
        Test-Path $target | Should -BeFalse
    }
}

Describe '-Confirm asks first' {
    It 'Stop-HpcJob (ConfirmImpact High) asks without -Confirm:$false; a host that cannot ask cancels nothing' {
        $job = New-DemoJob
        $ps = New-HostedPipeline "Stop-HpcJob -Id '$($job.Id)' -Token '$token'"
        try { $null = $ps.Invoke() } catch { $_.Exception.InnerException.GetType().Name | Should -Match 'Host|Prompt' }
        (Get-HpcJob -Id $job.Id).Status | Should -Be 'PENDING'
        ($job | Stop-HpcJob -Token $token -Confirm:$false).Status | Should -Be 'CANCELLED'
    }

    It '<Command> -Confirm asks; a host that cannot ask changes nothing' -ForEach @(
        @{ Command = 'New-HpcJob'; Script = "New-HpcJob -Processor 'demo:v1' -Token 'admin' -Confirm" }
        @{ Command = 'Invoke-HpcCycle'; Script = 'Invoke-HpcCycle -Simulate -Confirm' }
    ) {
        $before = @(Get-HpcJob -All -Token $token).Count
        $ps = New-HostedPipeline $Script
        $output = $null
        try { $output = $ps.Invoke() } catch { }
        $output | Should -BeNullOrEmpty
        @(Get-HpcJob -All -Token $token).Count | Should -Be $before
    }
}

Describe 'Error ids and categories' {
    It '<Name>' -ForEach @(
        @{ Name = 'a job id that is no UUID: JobNotFound/ObjectNotFound'; Script = { Get-HpcJob -Id 'no-such-job' }; Id = 'Emx2Hpc.JobNotFound'; Category = 'ObjectNotFound' }
        # (Get-HpcJobTransition of an unknown id is an empty list: EMX2 does not check that the job exists.)
        @{ Name = 'an unknown job (404): JobNotFound/ObjectNotFound'; Script = { Get-HpcJob -Id ([guid]::NewGuid()) }; Id = 'Emx2Hpc.JobNotFound'; Category = 'ObjectNotFound' }
        @{ Name = 'cancelling an unknown job: JobNotFound'; Script = { Stop-HpcJob -Id ([guid]::NewGuid()) -Confirm:$false }; Id = 'Emx2Hpc.JobNotFound'; Category = 'ObjectNotFound' }
        @{ Name = 'an unknown artifact: ArtifactNotFound/ObjectNotFound'; Script = { Receive-HpcArtifact -ArtifactId ([guid]::NewGuid()) -Destination (Join-Path $TestDrive 'nothing') -Confirm:$false }; Id = 'Emx2Hpc.ArtifactNotFound'; Category = 'ObjectNotFound' }
        @{ Name = 'an artifact id that is no UUID: ArtifactNotFound'; Script = { Receive-HpcArtifact -ArtifactId 'nope' -Destination (Join-Path $TestDrive 'nothing') -Confirm:$false }; Id = 'Emx2Hpc.ArtifactNotFound'; Category = 'ObjectNotFound' }
        @{ Name = 'a missing path: PathNotFound/ObjectNotFound'; Script = { Send-HpcArtifact -Path (Join-Path $TestDrive 'not-there') -Confirm:$false }; Id = 'Emx2Hpc.PathNotFound'; Category = 'ObjectNotFound' }
        @{ Name = 'a wrong token: AuthRejected/AuthenticationError'; Script = { Get-HpcJob -Token 'not-a-token' }; Id = 'Emx2Hpc.AuthRejected'; Category = 'AuthenticationError' }
    ) {
        $failures = @(& $Script 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $failures | Should -Not -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        "$($failures[0].CategoryInfo.Category)" | Should -Be $Category
    }

    It 'claiming a job twice: ClaimConflict/ResourceBusy with a recommended action' {
        $job = New-DemoJob
        $null = $job | Receive-HpcJob -Confirm:$false
        $job | Receive-HpcJob -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'Emx2Hpc.ClaimConflict,*'
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'ResourceBusy'
        $failures[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'a bad configuration: terminating ConfigInvalid/InvalidData' {
        $bad = Join-Path $TestDrive 'bad.yaml'
        Set-Content $bad "emx2:`n  base_url: not a url"
        $caught = $null
        try { Get-HpcTrackedJob -ConfigPath $bad } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'Emx2Hpc.ConfigInvalid,*'
        "$($caught.CategoryInfo.Category)" | Should -Be 'InvalidData'
    }
}

Describe 'Write-Progress during transfers' {
    It 'Send-HpcArtifact reports progress records with files, bytes and percent, then Completed' {
        $source = New-DataDirectory -Name 'progress-up' -Files 3 -MegaBytes 4
        $ps = New-HostedPipeline "Send-HpcArtifact -Path '$source' -Confirm:`$false"
        $artifact = $ps.Invoke()
        $ps.HadErrors | Should -BeFalse
        $artifact[0].Status | Should -Be 'COMMITTED'
        $records = @($ps.Streams.Progress)
        $records.Count | Should -BeGreaterOrEqual 2
        $processing = @($records | Where-Object RecordType -eq 'Processing')
        $processing.Count | Should -BeGreaterThan 0
        $processing | ForEach-Object { $_.PercentComplete | Should -BeIn (0..100) }
        $processing[-1].StatusDescription | Should -Match '\d+/3 files, [\d,]+/[\d,]+ bytes'
        $records[-1].RecordType | Should -Be 'Completed'
        ($records.ActivityId | Sort-Object -Unique).Count | Should -Be 1
        $script:uploaded = $artifact[0]
    }

    It 'Receive-HpcArtifact reports progress records, then Completed' {
        $target = Join-Path $TestDrive 'progress-down'
        $ps = New-HostedPipeline "Receive-HpcArtifact -ArtifactId '$($uploaded.ArtifactId)' -Destination '$target' -Token '$token' -Confirm:`$false"
        $download = $ps.Invoke()
        $ps.HadErrors | Should -BeFalse
        $download[0].FileCount | Should -Be 3
        $records = @($ps.Streams.Progress)
        $processing = @($records | Where-Object RecordType -eq 'Processing')
        $processing.Count | Should -BeGreaterThan 0
        $processing[-1].StatusDescription | Should -Match '^3/3 files, '
        $processing[-1].PercentComplete | Should -Be 100
        $records[-1].RecordType | Should -Be 'Completed'
    }
}

Describe 'Ctrl-C (StopProcessing)' {
    It 'stops Start-HpcDaemon promptly; the cycle lock is released and the next cycle runs' {
        $job = New-DemoJob
        $ps = New-HostedPipeline 'Start-HpcDaemon -Simulate -Confirm:$false'
        $handle = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ((Get-HpcJob -Id $job.Id).Status -eq 'PENDING' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 250 }
        (Get-HpcJob -Id $job.Id).Status | Should -Not -Be 'PENDING' -Because 'the daemon claims jobs while it runs'

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Elapsed | Should -BeLessThan ([TimeSpan]::FromSeconds(15))
        $handle.IsCompleted | Should -BeTrue
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'

        # The lock is free again and the local state opens: the next cycle runs, without errors.
        $report = Invoke-HpcCycle -Simulate -Confirm:$false
        $report.Skipped | Should -BeFalse
        $report.Errors | Should -BeNullOrEmpty
        { Get-HpcTrackedJob } | Should -Not -Throw
    }

    It 'stops an upload that hangs promptly; nothing is committed and the next upload works' {
        $source = (New-Item -ItemType Directory (Join-Path $TestDrive 'hang')).FullName
        $bytes = [byte[]]::new(16MB)
        [IO.File]::WriteAllBytes((Join-Path $source 'hang.bin'), $bytes)
        $ps = New-HostedPipeline "Send-HpcArtifact -Path '$source' -Name 'hang-test' -Confirm:`$false"
        $handle = $ps.BeginInvoke()
        Start-Sleep -Seconds 3
        $handle.IsCompleted | Should -BeFalse -Because 'the emulator holds the upload for two minutes'

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Elapsed | Should -BeLessThan ([TimeSpan]::FromSeconds(15))
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        @($ps.Streams.Error).Count | Should -Be 0 -Because 'a stopped cmdlet reports no failure of its own'
        (Get-FileHash (Join-Path $source 'hang.bin')).Hash | Should -Be ((Get-FileHash -InputStream ([IO.MemoryStream]::new($bytes))).Hash)

        # The fault fired once: the same upload now goes through and commits.
        $artifact = Send-HpcArtifact -Path $source -Name 'hang-test' -Confirm:$false
        $artifact.Status | Should -Be 'COMMITTED'
        $artifact.SizeBytes | Should -Be 16MB
    }
}

Describe 'Tab completion' {
    BeforeAll {
        function Get-Completion([string] $Line) {
            (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
        }
    }

    It '-Status completes the job statuses' {
        Get-Completion 'Get-HpcJob -Status P' | Should -Be @('PENDING')
        @(Get-Completion 'Get-HpcJob -Status ').Count | Should -Be 7
    }

    It '-Processor completes the processors of the configured profiles' {
        Get-Completion "Get-HpcJob -ConfigPath '$config' -Processor " | Should -Be @('demo:v1')
        Get-Completion "New-HpcJob -ConfigPath '$config' -Processor de" | Should -Be @('demo:v1')
    }

    It '-Profile completes the profiles of the configured processor' {
        Get-Completion "New-HpcJob -ConfigPath '$config' -Processor demo:v1 -Profile " | Should -Be @('default')
        Get-Completion "Get-HpcJob -ConfigPath '$config' -Processor other:v1 -Profile " | Should -BeNullOrEmpty
    }

    It 'an unreadable configuration completes nothing and throws nothing' {
        Get-Completion "Get-HpcJob -ConfigPath '$(Join-Path $TestDrive 'none.yaml')' -Processor " | Should -BeNullOrEmpty
    }
}
