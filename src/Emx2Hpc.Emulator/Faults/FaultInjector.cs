namespace Emx2Hpc.Emulator.Faults;

/// <summary>Decides, per request, which fault rule fires, and counts what fired. Thread-safe: skip/times
/// windows are exact even under parallel requests.</summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private FaultPlan _plan = FaultPlan.Empty;
    private int[] _seen = [];
    private int[] _fired = [];

    public FaultInjector(FaultPlan? plan = null) => SetPlan(plan);

    /// <summary>Replaces the plan and resets all counters.</summary>
    public void SetPlan(FaultPlan? plan)
    {
        lock (_gate)
        {
            _plan = plan ?? FaultPlan.Empty;
            _seen = new int[_plan.Rules.Count];
            _fired = new int[_plan.Rules.Count];
        }
    }

    public FaultPlan Plan
    {
        get { lock (_gate) return _plan; }
    }

    /// <summary>Total number of faults fired since the plan was set.</summary>
    public int FiredCount
    {
        get { lock (_gate) return _fired.Sum(); }
    }

    /// <summary>Faults fired per rule, in plan order.</summary>
    public IReadOnlyList<int> FiredPerRule
    {
        get { lock (_gate) return _fired.ToArray(); }
    }

    /// <summary>The rule to apply to this request, or null to serve it normally.</summary>
    public FaultRule? Decide(string method, string path)
    {
        lock (_gate)
        {
            for (var i = 0; i < _plan.Rules.Count; i++)
            {
                var rule = _plan.Rules[i];
                if (!rule.Matches(method, path)) continue;
                var ordinal = ++_seen[i];
                if (ordinal <= rule.Skip) continue;
                if (rule.Times > 0 && _fired[i] >= rule.Times) continue;
                _fired[i]++;
                return rule;
            }
            return null;
        }
    }
}
