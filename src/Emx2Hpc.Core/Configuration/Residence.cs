namespace Emx2Hpc.Core.Configuration;

/// <summary>Where an output or log artifact lives once the job is done: uploaded to EMX2 (managed) or left on
/// the cluster filesystem and registered by path only (posix).</summary>
public enum Residence
{
    Managed,
    Posix,
}
