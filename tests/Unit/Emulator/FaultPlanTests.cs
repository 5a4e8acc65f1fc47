using Emx2Hpc.Emulator.Faults;
using Xunit;

namespace Emx2Hpc.Tests.Unit.Emulator;

public class FaultPlanTests
{
    [Fact]
    public void Parses_all_fields_and_wire_action_names()
    {
        var plan = FaultPlanParser.Parse("""
            {"rules":[
              {"method":"POST","path":"/claim$","action":"503","skip":1,"times":2},
              {"path":"/jobs","action":"timeout","delay_ms":250},
              {"path":"x","action":"drop-after-commit"},
              {"path":"x","action":"refuse"},
              {"path":"x","action":"drop-before"}
            ]}
            """);
        Assert.Equal(5, plan.Rules.Count);
        Assert.Equal(new FaultRule { Method = "POST", PathPattern = "/claim$", Action = FaultAction.ServiceUnavailable, Skip = 1, Times = 2 }, plan.Rules[0]);
        Assert.Null(plan.Rules[1].Method);
        Assert.Equal(250, plan.Rules[1].DelayMs);
        Assert.Equal(FaultAction.Timeout, plan.Rules[1].Action);
        Assert.Equal(FaultRule.DefaultTimeoutDelayMs, plan.Rules[2].DelayMs);
        Assert.Equal([FaultAction.DropAfterCommit, FaultAction.Refuse, FaultAction.DropBefore], plan.Rules.Skip(2).Select(r => r.Action));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "\"rules\" array")]
    [InlineData("""{"rules":[{"action":"503"}]}""", "\"path\" is required")]
    [InlineData("""{"rules":[{"path":"(","action":"503"}]}""", "not a valid regular expression")]
    [InlineData("""{"rules":[{"path":"x"}]}""", "\"action\" is required")]
    [InlineData("""{"rules":[{"path":"x","action":"boom"}]}""", "unknown action")]
    [InlineData("""{"rules":[{"path":"x","action":"503","times":-1}]}""", "\"times\" must be a non-negative integer")]
    [InlineData("""{"rules":[{"path":"x","action":"503","skip":"2"}]}""", "\"skip\" must be a non-negative integer")]
    public void Rejects_bad_plans_with_a_pointed_message(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => FaultPlanParser.Parse(json)).Message);

    [Fact]
    public void Skip_then_times_window()
    {
        var injector = new FaultInjector(Plan(new FaultRule { PathPattern = "/claim$", Action = FaultAction.ServiceUnavailable, Skip = 2, Times = 2 }));
        var fired = Enumerable.Range(0, 6).Select(_ => injector.Decide("POST", "/api/hpc/jobs/1/claim") is not null).ToArray();
        Assert.Equal([false, false, true, true, false, false], fired);
        Assert.Equal(2, injector.FiredCount);
    }

    [Fact]
    public void Times_zero_means_forever()
    {
        var injector = new FaultInjector(Plan(new FaultRule { PathPattern = "jobs", Action = FaultAction.Refuse }));
        for (var i = 0; i < 50; i++) Assert.NotNull(injector.Decide("GET", "/api/hpc/jobs"));
        Assert.Equal(50, injector.FiredCount);
    }

    [Fact]
    public void Method_is_matched_case_insensitively_and_null_matches_any()
    {
        var injector = new FaultInjector(Plan(
            new FaultRule { Method = "post", PathPattern = "^/a$", Action = FaultAction.Refuse },
            new FaultRule { PathPattern = "^/b$", Action = FaultAction.DropBefore }));
        Assert.NotNull(injector.Decide("POST", "/a"));
        Assert.Null(injector.Decide("GET", "/a"));
        Assert.Equal(FaultAction.DropBefore, injector.Decide("DELETE", "/b")!.Action);
        Assert.Null(injector.Decide("POST", "/c"));
        Assert.Equal([1, 1], injector.FiredPerRule);
    }

    [Fact]
    public void First_rule_in_its_window_wins_and_later_rules_do_not_count_that_request()
    {
        var first = new FaultRule { PathPattern = "jobs", Action = FaultAction.ServiceUnavailable, Times = 1 };
        var second = new FaultRule { PathPattern = "jobs", Action = FaultAction.Refuse, Times = 1 };
        var injector = new FaultInjector(Plan(first, second));
        Assert.Same(first, injector.Decide("GET", "/jobs"));
        Assert.Same(second, injector.Decide("GET", "/jobs"));
        Assert.Null(injector.Decide("GET", "/jobs"));
    }

    [Fact]
    public void Setting_a_plan_resets_counters()
    {
        var injector = new FaultInjector(Plan(new FaultRule { PathPattern = ".", Action = FaultAction.Refuse, Times = 1 }));
        Assert.NotNull(injector.Decide("GET", "/x"));
        Assert.Null(injector.Decide("GET", "/x"));
        injector.SetPlan(injector.Plan);
        Assert.Equal(0, injector.FiredCount);
        Assert.NotNull(injector.Decide("GET", "/x"));
    }

    [Fact]
    public async Task Window_is_exact_under_parallel_requests()
    {
        var injector = new FaultInjector(Plan(new FaultRule { PathPattern = ".", Action = FaultAction.Refuse, Skip = 10, Times = 25 }));
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => injector.Decide("GET", "/x") is not null)));
        Assert.Equal(25, results.Count(r => r));
    }

    private static FaultPlan Plan(params FaultRule[] rules) => new() { Rules = rules };
}
