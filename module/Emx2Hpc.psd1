# Module manifest for Emx2Hpc: cmdlets that connect a Slurm cluster to MOLGENIS EMX2 as an HPC worker.
# The cmdlets live in Emx2Hpc.PowerShell.dll; Core and its third-party dependencies are in Dependencies/ and are
# loaded into a private AssemblyLoadContext, so they never clash with other modules (see about_Emx2Hpc).
@{
    RootModule           = 'Emx2Hpc.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '7f90bebe-8b68-45ac-b96b-2147553ba76a'
    Author               = 'Emx2Hpc contributors'
    CompanyName          = 'MOLGENIS'
    Copyright            = '(c) Emx2Hpc contributors. All rights reserved.'
    Description          = 'Runs MOLGENIS EMX2 HPC jobs on a Slurm cluster: poll, claim, stage, sbatch, monitor, upload and report, outbound only. Cron (Invoke-HpcCycle) or daemon (Start-HpcDaemon).'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = 'Emx2Hpc.format.ps1xml'
    CmdletsToExport      = @(
        'Get-HpcJob'
        'Receive-HpcJob'
        'Submit-SlurmJob'
        'Send-HpcArtifact'
        'Invoke-HpcCycle'
        'Test-HpcConfig'
        'Register-HpcWorker'
        'Start-HpcDaemon'
        'Stop-HpcJob'
        'New-HpcJob'
        'Get-HpcJobTransition'
        'Receive-HpcArtifact'
        'Get-HpcTrackedJob'
        'Get-HpcWorkerStatus'
        'Import-HpcPythonState'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('MOLGENIS', 'EMX2', 'HPC', 'Slurm', 'Apptainer', 'Linux', 'PSEdition_Core')
            ProjectUri = 'https://github.com/molgenis/emx2-hpc'
        }
    }
}
