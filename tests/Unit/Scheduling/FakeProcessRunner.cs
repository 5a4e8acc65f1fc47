using Emx2Hpc.Core.Scheduling;
using Emx2Hpc.Core.Scheduling.Processes;

namespace Emx2Hpc.Tests.Unit.Scheduling;

/// <summary>Records every command and answers from per-program handlers, so SlurmCli tests can assert exact
/// command lines and feed captured output or failures.</summary>
internal sealed class FakeProcessRunner : IProcessRunner
{
    private readonly Dictionary<string, Func<ProcessCommand, ProcessResult>> _handlers = new(StringComparer.Ordinal);
    private readonly List<ProcessCommand> _commands = [];

    public IReadOnlyList<ProcessCommand> Commands { get { lock (_commands) return _commands.ToList(); } }

    public IEnumerable<ProcessCommand> CommandsFor(string program) => Commands.Where(c => c.FileName == program);

    public FakeProcessRunner On(string program, Func<ProcessCommand, ProcessResult> handler)
    {
        _handlers[program] = handler;
        return this;
    }

    public FakeProcessRunner On(string program, int exitCode, string stdout = "", string stderr = "") =>
        On(program, _ => new ProcessResult(exitCode, stdout, stderr, TimeSpan.FromMilliseconds(5)));

    public FakeProcessRunner TimesOut(string program) =>
        On(program, c => throw new SchedulerUnavailableException($"{c.FileName} did not finish within {c.Timeout.TotalSeconds} s; its process tree was killed"));

    public Task<ProcessResult> RunAsync(ProcessCommand command, CancellationToken ct)
    {
        lock (_commands) _commands.Add(command);
        if (!_handlers.TryGetValue(command.FileName, out var handler))
            throw new InvalidOperationException($"unexpected command {command}");
        return Task.FromResult(handler(command));
    }
}
