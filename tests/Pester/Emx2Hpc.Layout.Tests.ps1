#Requires -Version 7.4
# Pester 5: build.ps1 (PowerShell) and build/layout-module.sh (bash, for machines without pwsh) must produce the same
# module folder. Both lay out one `dotnet publish` output into their own folder; every file must exist in both, with
# the same bytes. This is what keeps the two scripts from drifting apart.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Emx2Hpc.TestSupport.ps1')
    # build.ps1 -Task Test leaves its publish output next to the module folder; reuse it rather than publish again.
    $script:publish = if ($env:EMX2HPC_MODULE_DIR) { Join-Path $env:EMX2HPC_MODULE_DIR '../../publish/Emx2Hpc.PowerShell' } else { '' }
    if (-not $publish -or -not (Test-Path (Join-Path $publish 'Emx2Hpc.PowerShell.dll'))) {
        $script:publish = Join-Path $TestDrive 'publish'
        & dotnet publish (Join-Path $RepoRoot 'src/Emx2Hpc.PowerShell/Emx2Hpc.PowerShell.csproj') -c Release -o $publish `
            --disable-build-servers -nologo -v quiet | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "dotnet publish failed ($LASTEXITCODE)" }
    }
    $script:publish = (Resolve-Path $publish).Path

    $bashOutput = Join-Path $TestDrive 'bash'
    $script:bashModule = (& bash (Join-Path $RepoRoot 'build/layout-module.sh') -c Release -o $bashOutput --publish-dir $publish | Select-Object -Last 1)
    if ($LASTEXITCODE -ne 0) { throw "build/layout-module.sh failed ($LASTEXITCODE)" }

    $psOutput = Join-Path $TestDrive 'pwsh'
    & (Get-PwshPath) -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'build.ps1') -Task Build -Output $psOutput -PublishDirectory $publish | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "build.ps1 -Task Build failed ($LASTEXITCODE)" }
    $version = Split-Path $bashModule -Leaf
    $script:psModule = Join-Path $psOutput "Emx2Hpc/$version"

    function Get-Tree([string] $Root) {
        $tree = @{}
        foreach ($file in Get-ChildItem $Root -Recurse -File) {
            $tree[[IO.Path]::GetRelativePath($Root, $file.FullName).Replace('\', '/')] = (Get-FileHash $file.FullName -Algorithm SHA256).Hash
        }
        $tree
    }
}

Describe 'One module layout' {
    It 'both scripts write the same files' {
        $bash = Get-Tree $bashModule
        $ps = Get-Tree $psModule
        $bash.Count | Should -BeGreaterThan 10
        @($ps.Keys | Sort-Object) | Should -Be @($bash.Keys | Sort-Object)
    }

    It 'with the same bytes (the generated help included)' {
        $bash = Get-Tree $bashModule
        $ps = Get-Tree $psModule
        foreach ($path in $bash.Keys) { $ps[$path] | Should -Be $bash[$path] -Because $path }
    }
}
