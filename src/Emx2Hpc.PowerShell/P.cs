namespace Emx2Hpc.PowerShell;
internal static class P { static System.Management.Automation.PSObject? X => null; }
