using Emx2Hpc.Emulator.Domain;
using Emx2Hpc.Emulator.Faults;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Pipeline;
using Emx2Hpc.Emulator.Storage;

namespace Emx2Hpc.Emulator.Hosting;

/// <summary>The emulator's object graph, built once per server from its options.</summary>
internal sealed class EmulatorComponents
{
    public EmulatorComponents(EmulatorOptions options, FaultPlan? faultPlan, TextWriter errorLog)
    {
        ErrorLog = errorLog;
        Settings = new EmulatorSettings
        {
            Enabled = !options.Disabled, CredentialsKey = options.CredentialsKey, SharedSecret = options.SharedSecret,
            ReplayCache = options.ReplayCache, MaxUploadBytes = options.MaxUploadBytes,
        };
        Database = HpcDatabase.Open(options.StatePath);
        Workers = new WorkerService(Database, Clock);
        Credentials = new CredentialService(Database, Clock, Settings);
        Jobs = new JobService(Database, Clock);
        Claims = new ClaimService(Database, Clock);
        Transitions = new TransitionService(Database, Clock);
        Artifacts = new ArtifactService(Database, Clock);
        Files = new FileService(Database);
        Hmac = new HmacAuthenticator(Clock, Settings, Credentials, Nonces);
        Faults = new FaultInjector(faultPlan);
    }

    public TextWriter ErrorLog { get; }
    public EmulatorClock Clock { get; } = new();
    public EmulatorSettings Settings { get; }
    public HpcDatabase Database { get; }
    public NonceCache Nonces { get; } = new();
    public UserTokenRegistry Tokens { get; } = new();
    public RequestLog RequestLog { get; } = new();
    public FaultInjector Faults { get; }
    public WorkerService Workers { get; }
    public CredentialService Credentials { get; }
    public JobService Jobs { get; }
    public ClaimService Claims { get; }
    public TransitionService Transitions { get; }
    public ArtifactService Artifacts { get; }
    public FileService Files { get; }
    public HmacAuthenticator Hmac { get; }
}
