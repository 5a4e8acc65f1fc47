#Requires -Version 7.4
# Pester 5: the built module folder imports, exports exactly what the manifest says, ships help for every cmdlet,
# and keeps Core in its own load context. Run with ./build.ps1 -Task Test (or Invoke-Pester tests/Pester).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Emx2Hpc.TestSupport.ps1')
    $manifest = Import-PowerShellDataFile (Join-Path (Get-TestModuleDirectory) 'Emx2Hpc.psd1')
    $script:cmdletNames = $manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Emx2Hpc.TestSupport.ps1')
    Import-TestModule
    $script:manifest = Import-PowerShellDataFile (Join-Path (Get-TestModuleDirectory) 'Emx2Hpc.psd1')
}

Describe 'Emx2Hpc module' {
    It 'imports at the manifest version' {
        (Get-Module Emx2Hpc).Version | Should -Be ([version]$manifest.ModuleVersion)
    }

    It 'exports exactly the cmdlets in CmdletsToExport' {
        $exported = (Get-Command -Module Emx2Hpc).Name | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'exports no functions, aliases or variables' {
        $module = Get-Module Emx2Hpc
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
        $module.ExportedVariables.Count | Should -Be 0
    }

    It 'uses only approved verbs' {
        $approved = (Get-Verb).Verb
        (Get-Command -Module Emx2Hpc).Verb | Where-Object { $_ -notin $approved } | Should -BeNullOrEmpty
    }

    It 'has the about_Emx2Hpc topic' {
        (Get-Help about_Emx2Hpc | Out-String) | Should -Match 'ERROR IDS'
    }
}

Describe 'Help for <Name>' -ForEach $cmdletNames {
    BeforeAll {
        $help = Get-Help $Name -Full
        $command = Get-Command $Name
    }

    It 'has a written synopsis, not the generated syntax line' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape($Name) + '\s+\[')
    }

    It 'has a description and at least one example' {
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
    }

    It 'describes every parameter' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $entry = $help.parameters.parameter | Where-Object name -eq $parameter
            ($entry.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }
}

Describe 'Dependency isolation' {
    It 'loads Core and YamlDotNet into the module''s own load context, not the default one' {
        # Any cmdlet call resolves Core; a missing config fails fast without touching the network (as a failed
        # check or as a terminating Emx2Hpc.ConfigInvalid error, either is fine here).
        try { $null = Test-HpcConfig -ConfigPath (Join-Path $TestDrive 'missing.yaml') -ErrorAction SilentlyContinue }
        catch { $_.FullyQualifiedErrorId | Should -BeLike 'Emx2Hpc.ConfigInvalid*' }
        $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Emx2Hpc.Core' }
        $core | Should -HaveCount 1
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($core).Name | Should -Be 'Emx2Hpc'
        $core.Location | Should -BeLike (Join-Path (Get-TestModuleDirectory) 'Dependencies' '*')
    }
}
