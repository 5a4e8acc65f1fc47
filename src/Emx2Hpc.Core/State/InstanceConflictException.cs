namespace Emx2Hpc.Core.State;

/// <summary>Another emx2-hpc instance works under the same worker id with another state database (on this host or
/// another). Nothing is claimed, adopted, submitted or reported while it stands; the message says what was found
/// and what to do. Retrying does not help: an admin must retire one of the two.</summary>
public sealed class InstanceConflictException(string message) : Exception(message);
