#Requires -Version 7.4
# Pester 5: every cmdlet emits the module's own documented type (docs/powershell.md, "Output types") and those
# objects behave the PowerShell way: UTC DateTimeOffset timestamps that sort and compare, enum statuses that
# compare with strings, TimeSpan durations, long sizes, a table and a list view, and pipeline binding by property
# name. Against the EMX2 emulator, with the simulated scheduler.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Emx2Hpc.TestSupport.ps1')
    Import-TestModule
    $script:secret = New-TestSecretFile -Path (Join-Path $TestDrive 'w1.secret')
    $script:emulator = Start-TestEmulator -WorkerSecretFile $secret
    $script:config = New-TestConfig -Directory $TestDrive -BaseUrl $emulator.Url -SecretFile $secret
    $script:token = 'admin'
    $PSDefaultParameterValues['*-Hpc*:ConfigPath'] = $config
    $PSDefaultParameterValues['Submit-SlurmJob:ConfigPath'] = $config
    $script:manifest = Import-PowerShellDataFile (Join-Path (Get-TestModuleDirectory) 'Emx2Hpc.psd1')

    function New-DemoJob { New-HpcJob -Processor 'demo:v1' -Profile 'default' -TimeoutSeconds 600 -Token $token -Confirm:$false }

    # Which type each cmdlet declares with [OutputType], as pwsh reports it.
    function Get-DeclaredOutputType([string] $Name) { @((Get-Command $Name).OutputType.Name) }
}

AfterAll {
    $PSDefaultParameterValues.Remove('*-Hpc*:ConfigPath')
    $PSDefaultParameterValues.Remove('Submit-SlurmJob:ConfigPath')
    Stop-TestEmulator $emulator
}

Describe 'Declared output types' {
    It '<Name> declares <Type>' -ForEach @(
        @{ Name = 'Get-HpcJob'; Type = 'Emx2Hpc.Job' }
        @{ Name = 'New-HpcJob'; Type = 'Emx2Hpc.Job' }
        @{ Name = 'Receive-HpcJob'; Type = 'Emx2Hpc.Job' }
        @{ Name = 'Stop-HpcJob'; Type = 'Emx2Hpc.Job' }
        @{ Name = 'Get-HpcJobTransition'; Type = 'Emx2Hpc.JobTransition' }
        @{ Name = 'Send-HpcArtifact'; Type = 'Emx2Hpc.Artifact' }
        @{ Name = 'Receive-HpcArtifact'; Type = 'Emx2Hpc.ArtifactDownload' }
        @{ Name = 'Get-HpcTrackedJob'; Type = 'Emx2Hpc.TrackedJob' }
        @{ Name = 'Submit-SlurmJob'; Type = 'Emx2Hpc.TrackedJob' }
        @{ Name = 'Invoke-HpcCycle'; Type = 'Emx2Hpc.CycleReport' }
        @{ Name = 'Test-HpcConfig'; Type = 'Emx2Hpc.CheckResult' }
        @{ Name = 'Register-HpcWorker'; Type = 'Emx2Hpc.WorkerRegistration' }
    ) {
        Get-DeclaredOutputType $Name | Should -Be @($Type)
    }

    It 'every exported cmdlet but Start-HpcDaemon declares an output type' {
        foreach ($name in $manifest.CmdletsToExport | Where-Object { $_ -ne 'Start-HpcDaemon' }) {
            Get-DeclaredOutputType $name | Should -Not -BeNullOrEmpty -Because $name
        }
    }

    It 'every output type has a table view and a list view' {
        foreach ($type in 'Job', 'JobTransition', 'Artifact', 'ArtifactDownload', 'TrackedJob', 'CycleReport', 'CheckResult', 'WorkerRegistration') {
            $views = (Get-FormatData -TypeName "Emx2Hpc.$type" -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition
            @($views | Where-Object { $_.Control -is [System.Management.Automation.TableControl] }).Count | Should -Be 1 -Because $type
            @($views | Where-Object { $_.Control -is [System.Management.Automation.ListControl] }).Count | Should -Be 1 -Because $type
        }
    }
}

Describe 'Emx2Hpc.Job and Emx2Hpc.JobTransition' {
    BeforeAll {
        $script:first = New-DemoJob
        Start-Sleep -Milliseconds 50
        $script:second = New-DemoJob
    }

    It 'New-HpcJob emits an Emx2Hpc.Job with an enum status, UTC timestamps and a TimeSpan timeout' {
        $first | Should -BeOfType ([Emx2Hpc.Job])
        $first.Status | Should -BeOfType ([Emx2Hpc.JobStatus])
        $first.Status | Should -Be ([Emx2Hpc.JobStatus]::Pending)
        $first.Status -eq 'PENDING' | Should -BeTrue
        $first.CreatedAt | Should -BeOfType ([DateTimeOffset])
        $first.CreatedAt.Offset | Should -Be ([TimeSpan]::Zero)
        $first.CreatedAt | Should -BeLessOrEqual ([DateTimeOffset]::UtcNow.AddMinutes(1))
        $first.CreatedAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(-10))
        $first.Timeout | Should -Be ([TimeSpan]::FromSeconds(600))
        $first.PSObject.Properties.Name | Should -Not -Contain 'Links'
    }

    It 'sorts and filters by time the PowerShell way' {
        $jobs = Get-HpcJob -Status PENDING -All | Where-Object { $_.Id -in $first.Id, $second.Id }
        ($jobs | Sort-Object CreatedAt -Descending)[0].Id | Should -Be $second.Id
        $since = $second.CreatedAt.AddTicks(-1)
        @(Get-HpcJob -All | Where-Object { $_.CreatedAt -gt $since }).Id | Should -Contain $second.Id
        @(Get-HpcJob -All | Where-Object { $_.CreatedAt -gt $since }).Id | Should -Not -Contain $first.Id
        ([DateTimeOffset]::UtcNow - $first.CreatedAt) | Should -BeOfType ([TimeSpan])
    }

    It 'Get-HpcJobTransition emits Emx2Hpc.JobTransition with enum statuses and a UTC timestamp' {
        $transition = @($first | Get-HpcJobTransition)[0]
        $transition | Should -BeOfType ([Emx2Hpc.JobTransition])
        $transition.JobId | Should -Be $first.Id
        $transition.ToStatus | Should -Be 'PENDING'
        $transition.ToStatus | Should -BeOfType ([Emx2Hpc.JobStatus])
        $transition.Timestamp.Offset | Should -Be ([TimeSpan]::Zero)
    }

    It 'a Job binds to -Id by property name, a TrackedJob by JobId' {
        ($first | Get-HpcJob).Id | Should -Be $first.Id
        $claimed = $second | Receive-HpcJob -Confirm:$false
        $claimed.Status | Should -Be 'CLAIMED'
        $claimed.ClaimedAt | Should -BeOfType ([DateTimeOffset])
        $tracked = Get-HpcTrackedJob | Where-Object JobId -eq $second.Id
        ($tracked | Get-HpcJob).Id | Should -Be $second.Id
    }
}

Describe 'Emx2Hpc.TrackedJob, Emx2Hpc.CycleReport, Emx2Hpc.CheckResult, Emx2Hpc.WorkerRegistration' {
    It 'Submit-SlurmJob and Get-HpcTrackedJob emit TrackedJob: enum phase and status, UTC times, no state internals' {
        $job = New-DemoJob | Receive-HpcJob -Confirm:$false
        $tracked = $job | Submit-SlurmJob -Simulate -Confirm:$false
        $tracked | Should -BeOfType ([Emx2Hpc.TrackedJob])
        $tracked.Phase | Should -BeOfType ([Emx2Hpc.TrackedJobPhase])
        $tracked.Phase | Should -Be 'Submitted'
        $tracked.Emx2Status | Should -Be 'SUBMITTED'
        $tracked.SlurmJobId | Should -BeLike 'sim-*'
        $tracked.UpdatedAt.Offset | Should -Be ([TimeSpan]::Zero)
        $tracked.Timeout | Should -Be ([TimeSpan]::FromSeconds(600))
        $names = (Get-HpcTrackedJob | Select-Object -First 1).PSObject.Properties.Name
        $names | Should -Not -Contain 'JobJson'
        $names | Should -Not -Contain 'ProgressFingerprint'
    }

    It 'Invoke-HpcCycle emits a CycleReport with a TimeSpan duration' {
        $report = Invoke-HpcCycle -Simulate -Confirm:$false
        $report | Should -BeOfType ([Emx2Hpc.CycleReport])
        $report.Duration | Should -BeOfType ([TimeSpan])
        $report.Errors.GetType() | Should -Be ([string[]])
    }

    It 'Test-HpcConfig emits CheckResults whose Status is an enum that compares with strings' {
        $checks = @(Test-HpcConfig)
        $checks[0] | Should -BeOfType ([Emx2Hpc.CheckResult])
        $checks[0].Status | Should -BeOfType ([Emx2Hpc.CheckStatus])
        @($checks | Where-Object Status -eq 'Pass').Count | Should -BeGreaterThan 0
    }

    It 'Register-HpcWorker emits a WorkerRegistration with UTC times' {
        $registration = Register-HpcWorker -Confirm:$false
        $registration | Should -BeOfType ([Emx2Hpc.WorkerRegistration])
        $registration.WorkerId | Should -Be 'w1'
        $registration.LastHeartbeatAt.Offset | Should -Be ([TimeSpan]::Zero)
        ([DateTimeOffset]::UtcNow - $registration.LastHeartbeatAt).Duration() | Should -BeLessThan ([TimeSpan]::FromMinutes(5))
    }
}

Describe 'Emx2Hpc.Artifact and Emx2Hpc.ArtifactDownload' {
    It 'Send-HpcArtifact emits an Artifact (enum status and residence, long size) that pipes into Receive-HpcArtifact' {
        $source = New-Item -ItemType Directory (Join-Path $TestDrive 'send')
        [IO.File]::WriteAllBytes((Join-Path $source 'data.bin'), [byte[]](1..100))
        $artifact = Send-HpcArtifact -Path $source -Type blob -Confirm:$false
        $artifact | Should -BeOfType ([Emx2Hpc.Artifact])
        $artifact.Status | Should -Be ([Emx2Hpc.ArtifactStatus]::Committed)
        $artifact.Residence | Should -Be ([Emx2Hpc.ArtifactResidence]::Managed)
        $artifact.SizeBytes | Should -BeOfType ([long])
        $artifact.SizeBytes | Should -Be 100
        $artifact.CommittedAt.Offset | Should -Be ([TimeSpan]::Zero)

        $download = $artifact | Receive-HpcArtifact -Destination (Join-Path $TestDrive 'received') -Token $token -Confirm:$false
        $download | Should -BeOfType ([Emx2Hpc.ArtifactDownload])
        $download.ArtifactId | Should -Be $artifact.ArtifactId
        $download.FileCount | Should -Be 1
        $download.SizeBytes | Should -Be 100
        (Get-ChildItem $download.FullName).Name | Should -Be 'data.bin'
    }
}

Describe 'Views' {
    It 'formats a job as a table with the documented columns and as a list with every property' {
        $job = New-DemoJob
        $table = $job | Format-Table | Out-String -Width 120
        foreach ($column in 'Id', 'Status', 'Processor', 'Profile', 'CreatedAt') { $table | Should -Match $column }
        $list = $job | Format-List | Out-String
        foreach ($property in 'OutputArtifactId', 'Timeout', 'CompletedAt', 'Parameters') { $list | Should -Match $property }
    }
}
