namespace Emx2Hpc.Emulator.Faults;

/// <summary>An ordered list of fault rules. For each request the rules are tried in order; every matching rule
/// counts the request, and the first one inside its firing window fires (later rules then do not see it).</summary>
public sealed record FaultPlan
{
    public IReadOnlyList<FaultRule> Rules { get; init; } = [];

    public static FaultPlan Empty { get; } = new();
}
