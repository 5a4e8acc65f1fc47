// Slurm, bash job scripts and POSIX file modes: this suite only ever runs on Linux (network namespaces, LDAP users).
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
