namespace Emx2Hpc;

/// <summary>Where this worker is with a tracked job, as recorded in its state database before each step.</summary>
public enum TrackedJobPhase
{
    /// <summary>A phase this version of the module does not know.</summary>
    Unknown = 0,
    /// <summary>Claimed in EMX2; inputs not yet staged.</summary>
    Claimed,
    /// <summary>About to call the scheduler; a crash here is resolved by looking for the job's tag first.</summary>
    Submitting,
    /// <summary>The scheduler has the job.</summary>
    Submitted,
    /// <summary>The scheduler reported it running.</summary>
    Running,
    /// <summary>The outcome is decided; outputs and logs are being collected.</summary>
    Finishing,
    /// <summary>The final report is queued until EMX2 acknowledges it.</summary>
    Done,
}
