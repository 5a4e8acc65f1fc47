using Emx2Hpc.Emulator;
using Xunit;

namespace Emx2Hpc.Tests.Unit.TestSupport;

/// <summary>An in-process emulator on a loopback port 0 with a known cast: one worker credential, the shared
/// secret, and one token per role. Use as an xUnit class fixture, or <see cref="StartAsync"/> for custom options.
/// Tests sharing a fixture share its state, so they create their own jobs/artifacts and filter by unique names.</summary>
public class EmulatorFixture : IAsyncLifetime, IAsyncDisposable
{
    public const string SharedSecret = "contract-secret-0123456789abcdef0123456789";
    public const string ViewerToken = "viewer-token";
    public const string EditorToken = "editor-token";
    public const string OtherEditorToken = "other-editor-token";
    public const string ManagerToken = "manager-token";
    public const string OwnerToken = "owner-token";

    /// <summary>A worker with its own (per-worker era) credential.</summary>
    public static readonly HmacCredential Worker = new("worker-1", "worker-1-secret-abcdefghijklmnopqrstuvwxyz012");

    private readonly Action<EmulatorOptions>? _configure;

    public EmulatorFixture() : this(null)
    {
    }

    protected EmulatorFixture(Action<EmulatorOptions>? configure) => _configure = configure;

    public EmulatorServer Server { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public Uri BaseUrl => Server.BaseUrl;

    public static EmulatorOptions DefaultOptions() => new()
    {
        SharedSecret = SharedSecret,
        WorkerSecrets = { [Worker.WorkerId] = Worker.Secret },
        UserTokens =
        {
            [ViewerToken] = UserRole.Viewer,
            [EditorToken] = UserRole.Editor,
            [OtherEditorToken] = UserRole.Editor,
            [ManagerToken] = UserRole.Manager,
            [OwnerToken] = UserRole.Owner,
        },
    };

    /// <summary>Starts a fixture with custom options; dispose it with <c>await using</c>.</summary>
    public static async Task<EmulatorFixture> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var fixture = new EmulatorFixture(configure);
        await fixture.InitializeAsync();
        return fixture;
    }

    public async Task InitializeAsync()
    {
        var options = DefaultOptions();
        _configure?.Invoke(options);
        Server = await EmulatorServer.StartAsync(options);
        // No redirects: tests assert the 302 itself.
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    public HttpRequestMessage AsWorker(HttpMethod method, string pathAndQuery, string? json = null, byte[]? bytes = null,
        HmacCredential? credential = null, string? contentSha256 = null) =>
        SignedRequests.Hmac(BaseUrl, method, pathAndQuery, credential ?? Worker, json, bytes, contentSha256);

    public HttpRequestMessage AsUser(string token, HttpMethod method, string pathAndQuery, string? json = null, byte[]? bytes = null,
        string? contentSha256 = null) =>
        SignedRequests.User(BaseUrl, method, pathAndQuery, token, json, bytes, contentSha256);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => Http.SendAsync(request);

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());
}
