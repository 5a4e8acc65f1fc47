#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and packages the Emx2Hpc PowerShell module.

.DESCRIPTION
    Build   dotnet publish src/Emx2Hpc.PowerShell, then lay out out/Emx2Hpc/<version>/: manifest, format and help
            files, the cmdlet dll, Dependencies/ (Core and third-party assemblies, loaded through the module's own
            AssemblyLoadContext), flat <rid>/ folders with the native e_sqlite3, and MAML help generated from the
            cmdlet metadata. The same layout as build/layout-module.sh, for machines without bash; the Layout Pester
            suite lays out one publish output with both and fails on any difference.
    Test    dotnet test tests/Unit (TRX: <ResultsDirectory>/unit.trx), then every Pester 5 suite in tests/Pester,
            each in a fresh pwsh against the built module (NUnit XML: <ResultsDirectory>/pester-<suite>.xml).
            E2E.Tests.ps1 runs when EMX2HPC_E2E=1 (against the local Slurm, and a local EMX2 emulator unless
            EMX2_BASE_URL names a server); otherwise its tests are reported as skipped. A suite that cannot start
            (no Pester 5, an import that fails, no result file) writes <suite>.suite-errors and fails the task:
            never reported as passed or skipped. .ci/run sums these files.
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

    [string] $Output = (Join-Path $PSScriptRoot 'out'),

    # Where the Test task writes unit.trx, pester-<suite>.xml and <suite>.suite-errors. Default: <Output>/test-results.
    [string] $ResultsDirectory,

    # Lay out an existing `dotnet publish` output of src/Emx2Hpc.PowerShell instead of publishing (as
    # build/layout-module.sh --publish-dir; tests/Pester/Emx2Hpc.Layout.Tests.ps1 compares the two layouts).
    [string] $PublishDirectory
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
# dotnet and the zip code resolve relative paths against the process directory, not the PowerShell location.
$Output = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Output)
if (-not $ResultsDirectory) { $ResultsDirectory = Join-Path $Output 'test-results' }
$ResultsDirectory = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($ResultsDirectory)

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
    if ($PublishDirectory) {
        $publish = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($PublishDirectory)
    }
    else {
        $publish = Join-Path $Output 'publish/Emx2Hpc.PowerShell'
        if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
        Invoke-DotNet @('publish', (Join-Path $PSScriptRoot 'src/Emx2Hpc.PowerShell/Emx2Hpc.PowerShell.csproj'),
            '-c', $Configuration, '-o', $publish, '--disable-build-servers', '-nologo', '-v', 'quiet')
    }
    if (-not (Test-Path (Join-Path $publish 'Emx2Hpc.PowerShell.dll'))) { throw "no Emx2Hpc.PowerShell.dll in $publish" }

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
    $null = New-Item -ItemType Directory -Force $ResultsDirectory
    $failed = [System.Collections.Generic.List[string]]::new()

    # The unit suite runs once here; its failures are collected so the Pester suites still run and report.
    & dotnet test (Join-Path $PSScriptRoot 'tests/Unit') -c $Configuration --logger 'trx;LogFileName=unit.trx' `
        --results-directory $ResultsDirectory | Out-Host
    if ($LASTEXITCODE -ne 0) { $failed.Add('unit') }
    if (-not (Test-Path (Join-Path $ResultsDirectory 'unit.trx'))) { Write-SuiteError 'unit' 'no unit.trx written' }

    $suites = @(Get-ChildItem (Join-Path $PSScriptRoot 'tests/Pester') -Filter '*.Tests.ps1' | Sort-Object Name)
    $pester = Get-Module -ListAvailable Pester | Where-Object Version -ge ([version]'5.0.0') |
        Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        foreach ($suite in $suites) { Write-SuiteError (Get-SuiteName $suite) 'Pester 5 is not installed (build/install-powershell.sh)' }
        throw 'Pester 5 is not installed: the PowerShell suites could not run (build/install-powershell.sh installs it)'
    }

    Invoke-DotNet @('build', (Join-Path $PSScriptRoot 'src/Emx2Hpc.Emulator'), '-c', $Configuration, '-nologo', '-v', 'quiet')
    $env:EMX2HPC_MODULE_DIR = $Module
    # The install and cron tests install the module the way a user does: by expanding the package zip.
    $env:EMX2HPC_PACKAGE_ZIP = Invoke-PackageTask -Module $Module
    foreach ($suite in $suites) {
        $name = Get-SuiteName $suite
        if (-not (Invoke-PesterSuite -Suite $suite.FullName -Name $name -PesterVersion $pester.Version)) { $failed.Add($name) }
    }
    if ($failed.Count -gt 0) { throw "test suites with failures: $($failed -join ', ')" }
}

function Get-SuiteName([System.IO.FileInfo] $Suite) { 'pester-' + ($Suite.Name -replace '\.Tests\.ps1$', '') }

# A suite that could not run, or failed outside its tests (a broken BeforeAll of a whole file), leaves a count
# here that .ci/run adds to the failures: the result file alone would not show it.
function Write-SuiteError([string] $Name, [string] $Reason) {
    Write-Warning "${Name}: $Reason"
    Set-Content -LiteralPath (Join-Path $ResultsDirectory "$Name.suite-errors") -Value '1'
}

# One suite, one fresh pwsh: the module's assemblies stay loaded in a session, and each suite must import the built
# copy on its own. The child exits with the number of failed tests, blocks and containers.
function Invoke-PesterSuite([string] $Suite, [string] $Name, [version] $PesterVersion) {
    $resultFile = Join-Path $ResultsDirectory "$Name.xml"
    Remove-Item -LiteralPath $resultFile, (Join-Path $ResultsDirectory "$Name.suite-errors") -ErrorAction SilentlyContinue
    $command = "Import-Module Pester -RequiredVersion $PesterVersion -ErrorAction Stop; " +
        '$c = New-PesterConfiguration; $c.Run.Path = $env:EMX2HPC_PESTER_SUITE; $c.Run.PassThru = $true; ' +
        '$c.Output.Verbosity = ''Detailed''; $c.TestResult.Enabled = $true; $c.TestResult.OutputFormat = ''NUnitXml''; ' +
        '$c.TestResult.OutputPath = $env:EMX2HPC_PESTER_RESULT; $r = Invoke-Pester -Configuration $c; ' +
        'exit ($r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount)'
    $env:EMX2HPC_PESTER_SUITE = $Suite
    $env:EMX2HPC_PESTER_RESULT = $resultFile
    # Not [Environment]::ProcessPath: for pwsh installed as a .NET global tool that is the dotnet host.
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    try { & $pwsh -NoProfile -NonInteractive -Command $command | Out-Host }
    finally { Remove-Item Env:EMX2HPC_PESTER_SUITE, Env:EMX2HPC_PESTER_RESULT -ErrorAction SilentlyContinue }
    $exit = $LASTEXITCODE
    if (-not (Test-Path $resultFile)) {
        Write-SuiteError $Name "no result file (pwsh exit code $exit)"
        return $false
    }
    $failures = [int]([xml](Get-Content -Raw $resultFile)).'test-results'.failures
    if ($exit -ne 0 -and $failures -eq 0) { Write-SuiteError $Name "failed outside its tests (exit code $exit)" }
    $exit -eq 0
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
