namespace Emx2Hpc.Core.Checks;

public enum CheckStatus { Pass, Warn, Fail }

/// <summary>One line of `emx2-hpc check` / one object of Test-HpcConfig.</summary>
public sealed record CheckResult(string Name, CheckStatus Status, string Detail)
{
    public override string ToString() => $"[{Status.ToString().ToUpperInvariant(),-4}] {Name}: {Detail}";
}
