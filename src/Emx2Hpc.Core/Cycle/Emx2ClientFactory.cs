using Emx2Hpc.Core.Configuration;
using Emx2Hpc.Core.Emx2;

namespace Emx2Hpc.Core.Cycle;

/// <summary>Maps the emx2 config section onto client options.</summary>
public static class Emx2ClientFactory
{
    public static Emx2ClientOptions Options(HpcConfig config, TimeProvider? clock = null) => new()
    {
        BaseUrl = config.Emx2.BaseUrl,
        WorkerId = config.Emx2.WorkerId,
        Secret = config.Emx2.Secret?.Value,
        AuthMode = config.Emx2.Secret is null ? Emx2AuthMode.None
            : config.Emx2.AuthMode == AuthMode.Token ? Emx2AuthMode.Token : Emx2AuthMode.Hmac,
        Clock = clock ?? TimeProvider.System,
    };
}
