namespace Emx2Hpc;

/// <summary>What Import-HpcPythonState does with one job of the Python daemon's tracker.</summary>
public enum PythonImportAction
{
    /// <summary>Tracked by this worker from now on.</summary>
    Import,
    /// <summary>Nothing to carry over (finished or gone in EMX2, or imported already).</summary>
    Skip,
    /// <summary>Cannot be carried over safely; the reason says what to fix.</summary>
    Refuse,
}
