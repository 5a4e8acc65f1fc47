namespace Emx2Hpc.Core;
internal static class Placeholder { }
