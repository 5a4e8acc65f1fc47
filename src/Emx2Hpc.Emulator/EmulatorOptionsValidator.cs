namespace Emx2Hpc.Emulator;

/// <summary>Rejects options the emulator cannot honour, naming the option (shared by the in-process API and the
/// command line, which words the same rules with its option names).</summary>
internal static class EmulatorOptionsValidator
{
    public static void Validate(EmulatorOptions o)
    {
        if (!Uri.TryCreate(o.ListenUrl, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
            throw new ArgumentException($"ListenUrl must be an absolute http:// URL, got '{o.ListenUrl}'", nameof(o.ListenUrl));
        if (o.SharedSecret is { Length: > 0 and < EmulatorOptions.MinimumSharedSecretLength })
            throw new ArgumentException($"SharedSecret must be at least {EmulatorOptions.MinimumSharedSecretLength} characters", nameof(o.SharedSecret));
        if (o.MaxUploadBytes <= 0)
            throw new ArgumentException("MaxUploadBytes must be positive", nameof(o.MaxUploadBytes));
        foreach (var (worker, secret) in o.WorkerSecrets)
        {
            if (string.IsNullOrWhiteSpace(worker)) throw new ArgumentException("WorkerSecrets has a blank worker id", nameof(o.WorkerSecrets));
            if (string.IsNullOrEmpty(secret)) throw new ArgumentException($"WorkerSecrets[{worker}] is empty", nameof(o.WorkerSecrets));
        }
        foreach (var token in o.UserTokens.Keys)
        {
            if (string.IsNullOrWhiteSpace(token)) throw new ArgumentException("UserTokens has a blank token", nameof(o.UserTokens));
        }
    }
}
