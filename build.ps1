#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and packages the Emx2Hpc PowerShell module.

.DESCRIPTION
    Build   dotnet publish src/Emx2Hpc.PowerShell, then lay out out/Emx2Hpc/<version>/: manifest, format and help
            files, the cmdlet dll, Dependencies/ (Core and third-party assemblies, loaded through the module's own
            AssemblyLoadContext), flat <rid>/ folders with the native e_sqlite3, and MAML help generated from the
            cmdlet metadata. The same layout as build/layout-module.sh, for machines without bash.
    Test    dotnet test tests/Unit, then the Pester 5 suites in tests/Pester against the built module and the EMX2
            emulator, if Pester 5 is installed. Without it the Pester suites are reported as not run, never as
            passed.
    Package Build, then zip out/Emx2Hpc-<version>.zip holding Emx2Hpc/<version>/, so unzipping it into a folder on
            $env:PSModulePath installs the module.

.EXAMPLE
    ./build.ps1 -Task Build, Test, Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [string] $Output = (Join-Path $PSScriptRoot 'out')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
# dotnet and the zip code resolve relative paths against the process directory, not the PowerShell location.
$Output = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Output)

# Platforms the module ships the native SQLite for; build/layout-module.sh lists the same.
$NativeRids = @('linux-x64', 'linux-arm64', 'osx-arm64', 'win-x64')

# Arguments come as one array: passed loosely, PowerShell would bind -c, -v or '--' itself instead of handing
# them to dotnet. Output goes to the host so functions return only what they mean to.
function Invoke-DotNet([string[]] $Arguments) {
    & dotnet @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Get-ModuleVersion {
    $version = (Import-PowerShellDataFile (Join-Path $PSScriptRoot 'module/Emx2Hpc.psd1')).ModuleVersion
    $props = [xml](Get-Content -Raw (Join-Path $PSScriptRoot 'Directory.Build.props'))
    $assemblyVersion = $props.SelectSingleNode('/Project/PropertyGroup/Version').InnerText
    if ($version -ne $assemblyVersion) {
        throw "ModuleVersion '$version' in module/Emx2Hpc.psd1 differs from <Version> '$assemblyVersion' in Directory.Build.props"
    }
    $version
}

function Get-SmaReference {
    # The compile-only System.Management.Automation from PowerShellStandard.Library, for the help generator.
    $packages = [xml](Get-Content -Raw (Join-Path $PSScriptRoot 'Directory.Packages.props'))
    $version = $packages.SelectSingleNode("/Project/ItemGroup/PackageVersion[@Include='PowerShellStandard.Library']").GetAttribute('Version')
    $root = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $path = Join-Path $root "powershellstandard.library/$version/lib/netstandard2.0/System.Management.Automation.dll"
    if (-not (Test-Path $path)) { throw "$path not found (restore src/Emx2Hpc.PowerShell first)" }
    $path
}

function Invoke-BuildTask {
    $version = Get-ModuleVersion
    $publish = Join-Path $Output 'publish/Emx2Hpc.PowerShell'
    if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
    Invoke-DotNet @('publish', (Join-Path $PSScriptRoot 'src/Emx2Hpc.PowerShell/Emx2Hpc.PowerShell.csproj'),
        '-c', $Configuration, '-o', $publish, '--disable-build-servers', '-nologo', '-v', 'quiet')

    $module = Join-Path $Output "Emx2Hpc/$version"
    if (Test-Path $module) { Remove-Item $module -Recurse -Force }
    $dependencies = New-Item -ItemType Directory -Force (Join-Path $module 'Dependencies')
    $help = New-Item -ItemType Directory -Force (Join-Path $module 'en-US')

    Copy-Item (Join-Path $PSScriptRoot 'module/Emx2Hpc.psd1'), (Join-Path $PSScriptRoot 'module/Emx2Hpc.format.ps1xml') $module
    Copy-Item (Join-Path $PSScriptRoot 'module/en-US/*') $help.FullName
    Copy-Item (Join-Path $publish 'Emx2Hpc.PowerShell.dll') $module
    if (Test-Path (Join-Path $publish 'Emx2Hpc.PowerShell.pdb')) { Copy-Item (Join-Path $publish 'Emx2Hpc.PowerShell.pdb') $module }

    # Every other assembly is isolated in Dependencies/: next to the cmdlet dll, pwsh's default context would find it.
    foreach ($dll in Get-ChildItem $publish -Filter '*.dll' | Where-Object BaseName -ne 'Emx2Hpc.PowerShell') {
        Copy-Item $dll.FullName $dependencies.FullName
        $pdb = Join-Path $publish "$($dll.BaseName).pdb"
        if (Test-Path $pdb) { Copy-Item $pdb $dependencies.FullName }
    }

    # pwsh does not probe runtimes/<rid>/native for a module; Emx2HpcLoadContext looks in flat <rid>/ folders.
    foreach ($rid in $NativeRids) {
        $native = Join-Path $publish "runtimes/$rid/native"
        if (-not (Test-Path $native) -or -not (Get-ChildItem $native)) { throw "no native e_sqlite3 for $rid in $native" }
        $target = New-Item -ItemType Directory -Force (Join-Path $module $rid)
        Copy-Item (Join-Path $native '*') $target.FullName
    }

    Invoke-DotNet @('run', (Join-Path $PSScriptRoot 'build/help/GenerateHelp.cs'), '--',
        (Join-Path $module 'Emx2Hpc.PowerShell.dll'), (Join-Path $publish 'Emx2Hpc.PowerShell.xml'), (Get-SmaReference),
        $dependencies.FullName, (Join-Path $help.FullName 'Emx2Hpc.PowerShell.dll-Help.xml'))

    Write-Host "Module laid out in $module"
    $module
}

function Invoke-TestTask {
    param([Parameter(Mandatory)] [string] $Module)
    Invoke-DotNet @('test', (Join-Path $PSScriptRoot 'tests/Unit'), '-c', $Configuration)

    $pester = Get-Module -ListAvailable Pester | Where-Object Version -ge ([version]'5.0.0') |
        Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        Write-Warning 'Pester not available: PowerShell suites not run'
        return
    }

    Invoke-DotNet @('build', (Join-Path $PSScriptRoot 'src/Emx2Hpc.Emulator'), '-c', $Configuration, '-nologo', '-v', 'quiet')
    $env:EMX2HPC_MODULE_DIR = $Module
    # A fresh pwsh: the module's assemblies stay loaded in a session, and the tests must import the built copy.
    $command = "Import-Module Pester -RequiredVersion $($pester.Version); " +
        '$c = New-PesterConfiguration; $c.Run.Path = ''' + (Join-Path $PSScriptRoot 'tests/Pester') + '''; ' +
        '$c.Run.Exit = $true; $c.Output.Verbosity = ''Detailed''; Invoke-Pester -Configuration $c'
    & ([Environment]::ProcessPath) -NoProfile -NonInteractive -Command $command
    if ($LASTEXITCODE -ne 0) { throw "Pester suites failed (exit code $LASTEXITCODE)" }
}

function Invoke-PackageTask {
    param([Parameter(Mandatory)] [string] $Module)
    $version = Split-Path $Module -Leaf
    $zip = Join-Path $Output "Emx2Hpc-$version.zip"
    if (Test-Path $zip) { Remove-Item $zip -Force }
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $archive = [System.IO.Compression.ZipFile]::Open($zip, [System.IO.Compression.ZipArchiveMode]::Create)
    try {
        # Entries are Emx2Hpc/<version>/<relative path> with '/' separators on every platform.
        foreach ($file in Get-ChildItem $Module -Recurse -File) {
            $relative = [System.IO.Path]::GetRelativePath($Module, $file.FullName).Replace('\', '/')
            $null = [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($archive, $file.FullName, "Emx2Hpc/$version/$relative")
        }
    }
    finally {
        $archive.Dispose()
    }
    Write-Host "Package written to $zip"
    $zip
}

$moduleDirectory = $null
foreach ($step in $Task) {
    switch ($step) {
        'Build' { $moduleDirectory = Invoke-BuildTask }
        'Test' {
            if (-not $moduleDirectory) { $moduleDirectory = Invoke-BuildTask }
            Invoke-TestTask -Module $moduleDirectory
        }
        'Package' {
            if (-not $moduleDirectory) { $moduleDirectory = Invoke-BuildTask }
            $null = Invoke-PackageTask -Module $moduleDirectory
        }
    }
}
