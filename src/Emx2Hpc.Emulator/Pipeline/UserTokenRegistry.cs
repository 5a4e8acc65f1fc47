using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Emx2Hpc.Emulator.Pipeline;

/// <summary>Stands in for EMX2's JWT validation: a token is valid when registered, and it names a user with a role
/// on _SYSTEM_.</summary>
internal sealed class UserTokenRegistry
{
    private readonly ConcurrentDictionary<string, (string UserName, UserRole Role)> _tokens = new(StringComparer.Ordinal);

    /// <summary>Registers a token. The default user name is the role in lower case plus a short hash of the token:
    /// stable across restarts (submit_user survives in a state file), distinct per token (ownership checks), and it
    /// does not reveal the token.</summary>
    public string Add(string token, UserRole role, string? userName = null)
    {
        if (string.IsNullOrWhiteSpace(token)) throw new ArgumentException("token must not be blank", nameof(token));
        var name = string.IsNullOrWhiteSpace(userName) ? DefaultUserName(token, role) : userName;
        _tokens[token] = (name, role);
        return name;
    }

    public bool TryResolve(string token, out string userName, out UserRole role)
    {
        if (_tokens.TryGetValue(token, out var entry))
        {
            (userName, role) = entry;
            return true;
        }
        userName = "";
        role = default;
        return false;
    }

    public static string DefaultUserName(string token, UserRole role) =>
        $"{role.ToString().ToLowerInvariant()}-{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..8].ToLowerInvariant()}";
}
