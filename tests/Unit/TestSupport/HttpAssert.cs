using System.Net;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Core.Protocol.Dtos;
using Xunit;

namespace Emx2Hpc.Tests.Unit.TestSupport;

/// <summary>Assertions that show the response body when the status is not the expected one.</summary>
public static class HttpAssert
{
    public static async Task StatusAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        if (response.StatusCode == expected) return;
        var body = response.Content is null ? "" : await response.Content.ReadAsStringAsync();
        Assert.Fail($"expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {body}");
    }

    /// <summary>Asserts a problem+json answer with the given status and returns it.</summary>
    public static async Task<ProblemDetail> ProblemAsync(HttpStatusCode expected, HttpResponseMessage response, string? detailContains = null)
    {
        await StatusAsync(expected, response);
        Assert.Equal(ProtocolConstants.ProblemJsonContentType, response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadProblemAsync();
        Assert.Equal((int)expected, problem.Status);
        Assert.Equal("about:blank", problem.Type);
        if (detailContains is not null) Assert.Contains(detailContains, problem.Detail);
        return problem;
    }
}
