namespace Emx2Hpc.Core.Emx2;

/// <summary>302 on a file download: the file has no stored bytes and the artifact has a content_url, so the
/// server points at the external location (SERVER-SPEC §6.5). The client never follows it, because that URL is
/// outside EMX2's authentication and may be a file:// or s3:// location the caller resolves itself.</summary>
public sealed class Emx2RedirectException(Emx2ErrorInfo info, string location)
    : Emx2ApiException(info, $"redirected to {location}")
{
    /// <summary>The Location header as sent (content_url + "/" + path).</summary>
    public string Location { get; } = location;
}
