namespace Emx2Hpc.Emulator.Model;

/// <summary>A handler's way of answering with a problem+json error: thrown anywhere below an endpoint (also inside
/// a database transaction, which it then rolls back) and turned into a response by <see cref="ErrorMiddleware"/>.</summary>
internal sealed class HpcProblemException(int status, string detail, string? title = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Detail { get; } = detail;
    public string? Title { get; } = title;

    public static HpcProblemException BadRequest(string detail) => new(400, detail);
    public static HpcProblemException NotFound(string detail) => new(404, detail);
    public static HpcProblemException Conflict(string detail) => new(409, detail);
    public static HpcProblemException Forbidden(string detail) => new(403, detail);
}
