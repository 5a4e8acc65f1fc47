#Requires -Version 7.4
# Pester 5: every cmdlet against the EMX2 emulator (simulated scheduler where Slurm would be needed), the pipelines
# shown in docs/powershell.md, -WhatIf changing nothing, and the stable error ids.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Emx2Hpc.TestSupport.ps1')
    Import-TestModule
    $script:secret = New-TestSecretFile -Path (Join-Path $TestDrive 'w1.secret')
    $script:emulator = Start-TestEmulator -WorkerSecretFile $secret
    $script:config = New-TestConfig -Directory $TestDrive -BaseUrl $emulator.Url -SecretFile $secret
    $script:token = 'admin'
    $PSDefaultParameterValues['*-Hpc*:ConfigPath'] = $config
    $PSDefaultParameterValues['Submit-SlurmJob:ConfigPath'] = $config

    function New-DemoJob { New-HpcJob -Processor 'demo:v1' -Profile 'default' -Token $token -Confirm:$false }
}

AfterAll {
    $PSDefaultParameterValues.Remove('*-Hpc*:ConfigPath')
    $PSDefaultParameterValues.Remove('Submit-SlurmJob:ConfigPath')
    Stop-TestEmulator $emulator
}

Describe 'Test-HpcConfig' {
    It 'returns one check result per check, EMX2 reachable and authenticated' {
        $checks = Test-HpcConfig
        $checks | ForEach-Object { $_.GetType().FullName | Should -Be 'Emx2Hpc.CheckResult' }
        foreach ($name in 'config', 'secret', 'emx2 reachable', 'emx2 auth') {
            ($checks | Where-Object Name -eq $name).Status | Should -Be 'Pass' -Because "check '$name'"
        }
    }

    It 'reports refused credentials as a failed check, not as an error' {
        $wrong = New-TestSecretFile -Path (Join-Path $TestDrive 'wrong.secret')
        $other = New-TestConfig -Directory $TestDrive -BaseUrl $emulator.Url -SecretFile $wrong -Name 'wrong-secret.yaml'
        ($checks = Test-HpcConfig -ConfigPath $other -ErrorVariable failures) | Out-Null
        $failures | Should -BeNullOrEmpty
        ($checks | Where-Object Name -eq 'emx2 auth').Status | Should -Be 'Fail'
    }
}

Describe 'Register-HpcWorker' {
    It 'registers the configured worker' {
        (Register-HpcWorker -Confirm:$false).WorkerId | Should -Be 'w1'
    }
}

Describe 'New-HpcJob, Get-HpcJob, Get-HpcJobTransition' {
    It 'creates a pending job that can be read back by id and by status' {
        $job = New-DemoJob
        $job.Status | Should -Be 'PENDING'
        (Get-HpcJob -Id $job.Id -Token $token).Processor | Should -Be 'demo:v1'
        (Get-HpcJob -Status PENDING -All).Id | Should -Contain $job.Id
    }

    It 'takes parameters as a hashtable or as JSON text' {
        $fromHashtable = New-HpcJob -Processor 'demo:v1' -Parameters @{ n = 3; names = @('a', 'b') } -Token $token -Confirm:$false
        $fromJson = New-HpcJob -Processor 'demo:v1' -Parameters '{"n":3}' -Token $token -Confirm:$false
        $fromHashtable.Parameters.n | Should -Be 3
        $fromHashtable.Parameters.names | Should -Be @('a', 'b')
        $fromJson.Parameters.n | Should -Be 3
    }

    It 'pages with -First/-Skip like -Limit/-Offset' {
        1..3 | ForEach-Object { $null = New-DemoJob }
        @(Get-HpcJob -Status PENDING -First 2).Count | Should -Be 2
        (Get-HpcJob -Status PENDING -Limit 1 -Offset 1).Id | Should -Be (Get-HpcJob -Status PENDING -First 1 -Skip 1).Id
    }

    It 'shows the transition history of a job from the pipeline' {
        $transitions = New-DemoJob | Get-HpcJobTransition -Token $token
        $transitions | Should -Not -BeNullOrEmpty
        $transitions[0].GetType().FullName | Should -Be 'Emx2Hpc.JobTransition'
    }
}

Describe 'The documented pipelines' {
    It 'Get-HpcJob -Status PENDING | Receive-HpcJob | Submit-SlurmJob claims and submits every pending job' {
        $before = @(Get-HpcJob -Status PENDING -All).Id
        $before.Count | Should -BeGreaterThan 0
        $tracked = Get-HpcJob -Status PENDING | Receive-HpcJob -Confirm:$false | Submit-SlurmJob -Simulate -Confirm:$false
        $tracked | ForEach-Object { $_.GetType().FullName | Should -Be 'Emx2Hpc.TrackedJob' }
        foreach ($id in $tracked.JobId) { (Get-HpcJob -Id $id).Status | Should -Be 'SUBMITTED' }
    }

    It 'Get-HpcTrackedJob | Get-HpcJob shows EMX2''s view of the tracked jobs' {
        $tracked = @(Get-HpcTrackedJob)
        $tracked.Count | Should -BeGreaterThan 0
        (Get-HpcTrackedJob | Get-HpcJob).Id | Sort-Object | Should -Be ($tracked.JobId | Sort-Object)
    }

    It 'Receive-HpcJob -Count claims by capability' {
        $job = New-DemoJob
        $claimed = Receive-HpcJob -Count 10 -Confirm:$false
        $claimed.Id | Should -Contain $job.Id
        $claimed | Submit-SlurmJob -Simulate -Confirm:$false | Should -Not -BeNullOrEmpty
    }

    It 'Get-HpcJob -Status FAILED -First 5 | Get-HpcJobTransition runs (possibly with nothing to show)' {
        { Get-HpcJob -Status FAILED -First 5 | Get-HpcJobTransition } | Should -Not -Throw
    }
}

Describe 'Invoke-HpcCycle' {
    It 'runs one simulated cycle and outputs the cycle report' {
        $null = New-DemoJob
        $report = Invoke-HpcCycle -Simulate -Confirm:$false -ErrorVariable failures
        $report.GetType().FullName | Should -Be 'Emx2Hpc.CycleReport'
        $report.Emx2Unreachable | Should -BeFalse
        $report.Claimed | Should -BeGreaterThan 0
        $failures | Should -BeNullOrEmpty
    }

    It 'outputs the report and a non-terminating Emx2Hpc.Emx2Unreachable error when EMX2 is down' {
        $directory = (New-Item -ItemType Directory (Join-Path $TestDrive 'down')).FullName
        $down = New-TestConfig -Directory $directory -BaseUrl 'http://127.0.0.1:9/' -SecretFile $secret
        $report = Invoke-HpcCycle -ConfigPath $down -Simulate -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures
        $report.Emx2Unreachable | Should -BeTrue
        $failures.FullyQualifiedErrorId | Should -BeLike 'Emx2Hpc.Emx2Unreachable*'
        $failures[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'makes pwsh -c Invoke-HpcCycle exit with 1 when EMX2 is down (the cron contract)' {
        $directory = (New-Item -ItemType Directory (Join-Path $TestDrive 'cron')).FullName
        $down = New-TestConfig -Directory $directory -BaseUrl 'http://127.0.0.1:9/' -SecretFile $secret
        $manifest = Join-Path (Get-TestModuleDirectory) 'Emx2Hpc.psd1'
        & (Get-PwshPath) -NoProfile -NonInteractive -Command "Import-Module '$manifest'; Invoke-HpcCycle -ConfigPath '$down' -Simulate" *> $null
        $LASTEXITCODE | Should -Be 1
    }
}

Describe 'Send-HpcArtifact and Receive-HpcArtifact' {
    It 'uploads a directory and downloads the same files' {
        $source = New-Item -ItemType Directory (Join-Path $TestDrive 'upload')
        Set-Content (Join-Path $source 'a.txt') 'alpha'
        New-Item -ItemType Directory (Join-Path $source 'sub') | Out-Null
        Set-Content (Join-Path $source 'sub/b.csv') "x,y`n1,2"
        $artifact = Send-HpcArtifact -Path $source -Name 'pester-upload' -Type 'blob' -Confirm:$false
        $artifact.GetType().FullName | Should -Be 'Emx2Hpc.Artifact'
        $artifact.Status | Should -Be 'COMMITTED'

        $target = Join-Path $TestDrive 'download'
        $summary = Receive-HpcArtifact -ArtifactId $artifact.ArtifactId -Destination $target -Token $token -Confirm:$false
        $summary.FileCount | Should -Be 2
        Get-Content (Join-Path $target 'a.txt') | Should -Be 'alpha'
        Get-Content (Join-Path $target 'sub/b.csv') -Raw | Should -Be (Get-Content (Join-Path $source 'sub/b.csv') -Raw)
    }

    It 'takes files from Get-ChildItem by FullName' {
        $file = Join-Path $TestDrive 'single.txt'
        Set-Content $file 'one'
        (Get-ChildItem $file | Send-HpcArtifact -Type 'txt' -Confirm:$false).Name | Should -Be 'single.txt'
    }
}

Describe 'Stop-HpcJob' {
    It 'cancels a job given from the pipeline' {
        $job = New-DemoJob
        ($job | Stop-HpcJob -Token $token -Confirm:$false).Status | Should -Be 'CANCELLED'
    }
}

Describe 'Start-HpcDaemon' {
    It 'runs until stopped and stops cleanly' {
        $module = Join-Path (Get-TestModuleDirectory) 'Emx2Hpc.psd1'
        $daemon = Start-ThreadJob -ScriptBlock {
            Import-Module $using:module
            Start-HpcDaemon -ConfigPath $using:config -Simulate -Confirm:$false -Verbose
        }
        Start-Sleep -Seconds 3
        $daemon.State | Should -Be 'Running'
        $daemon | Stop-Job
        $daemon | Wait-Job -Timeout 60 | Out-Null
        $daemon.State | Should -Be 'Stopped'
        $daemon | Remove-Job -Force
    }
}

Describe '-WhatIf changes nothing' {
    It 'New-HpcJob -WhatIf creates no job' {
        $before = @(Get-HpcJob -All -Token $token).Count
        New-HpcJob -Processor 'demo:v1' -Token $token -WhatIf
        @(Get-HpcJob -All -Token $token).Count | Should -Be $before
    }

    It 'Receive-HpcJob -WhatIf claims nothing' {
        $job = New-DemoJob
        $job | Receive-HpcJob -WhatIf
        (Get-HpcJob -Id $job.Id).Status | Should -Be 'PENDING'
    }

    It 'Stop-HpcJob -WhatIf cancels nothing' {
        $job = New-DemoJob
        $job | Stop-HpcJob -Token $token -WhatIf
        (Get-HpcJob -Id $job.Id).Status | Should -Be 'PENDING'
    }

    It 'Invoke-HpcCycle -WhatIf claims nothing and creates no state database' {
        # Same worker, own directory: its state database must not appear.
        $directory = (New-Item -ItemType Directory (Join-Path $TestDrive 'whatif')).FullName
        $fresh = New-TestConfig -Directory $directory -BaseUrl $emulator.Url -SecretFile $secret
        $job = New-DemoJob
        Invoke-HpcCycle -ConfigPath $fresh -Simulate -WhatIf
        (Get-HpcJob -Id $job.Id).Status | Should -Be 'PENDING'
        Test-Path (Join-Path $directory 'w1-state.db') | Should -BeFalse
    }

    It 'Send-HpcArtifact -WhatIf uploads nothing' {
        $file = Join-Path $TestDrive 'not-sent.txt'
        Set-Content $file 'x'
        Send-HpcArtifact -Path $file -WhatIf | Should -BeNullOrEmpty
    }
}

Describe 'Error ids' {
    It 'a missing job is Emx2Hpc.JobNotFound (non-terminating)' {
        Get-HpcJob -Id 'no-such-job' -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures.FullyQualifiedErrorId | Should -BeLike 'Emx2Hpc.JobNotFound*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'an unusable configuration is a terminating Emx2Hpc.ConfigInvalid error' {
        $bad = Join-Path $TestDrive 'bad.yaml'
        Set-Content $bad "emx2:`n  base_url: not a url`nworker:`n  poll_interval_seconds: 0"
        { Get-HpcTrackedJob -ConfigPath $bad } | Should -Throw -ErrorId 'Emx2Hpc.ConfigInvalid*'
    }

    It 'a wrong user token is Emx2Hpc.AuthRejected' {
        Get-HpcJob -Token 'not-a-token' -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures.FullyQualifiedErrorId | Should -BeLike 'Emx2Hpc.AuthRejected*'
    }

    It 'claiming a job twice is Emx2Hpc.ClaimConflict' {
        $job = New-DemoJob
        $null = $job | Receive-HpcJob -Confirm:$false
        $job | Receive-HpcJob -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures.FullyQualifiedErrorId | Should -BeLike 'Emx2Hpc.ClaimConflict*'
    }
}
