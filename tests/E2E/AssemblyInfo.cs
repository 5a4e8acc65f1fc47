// Slurm, bash job scripts and POSIX file modes: this suite only ever runs on Linux.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
