using System.Text.Json;
using Emx2Hpc.Core.Protocol;
using Emx2Hpc.Emulator.Model;
using Emx2Hpc.Emulator.Storage;
using Emx2Hpc.Emulator.Storage.Records;

namespace Emx2Hpc.Emulator.Domain;

/// <summary>Per-worker credentials (SERVER-SPEC §6.3) and the lookup HMAC verification uses (§4.2).</summary>
internal sealed class CredentialService(HpcDatabase db, EmulatorClock clock, EmulatorSettings settings)
{
    private const string KeyMissing = "Credential issue unavailable: MOLGENIS_HPC_CREDENTIALS_KEY must be set";

    public Task<CredentialRecord> IssueAsync(string workerId, JsonElement body, string? createdBy)
    {
        RequireWorkerId(workerId);
        var (label, expiresAt) = ParseIssueBody(body);
        return db.RunAsync(s =>
        {
            var now = clock.Stamp();
            s.Credentials.ExpireOverdue(workerId, now);
            if (s.Credentials.NewestActive(workerId) is not null)
                throw HpcProblemException.Conflict($"Worker {workerId} already has an active credential");
            return Insert(s, workerId, SecretGenerator.New(), label, expiresAt, createdBy, now);
        });
    }

    /// <summary>Revokes every ACTIVE credential and issues a new one; no grace period for the old secret.</summary>
    public Task<CredentialRecord> RotateAsync(string workerId, JsonElement body, string? createdBy)
    {
        RequireWorkerId(workerId);
        var (label, expiresAt) = ParseIssueBody(body);
        return db.RunAsync(s =>
        {
            var now = clock.Stamp();
            s.Credentials.ExpireOverdue(workerId, now);
            s.Credentials.RevokeAllActive(workerId, now);
            return Insert(s, workerId, SecretGenerator.New(), label, expiresAt, createdBy, now);
        });
    }

    public Task<CredentialRecord> RevokeAsync(string workerId, string credentialId)
    {
        RequireWorkerId(workerId);
        if (string.IsNullOrWhiteSpace(credentialId)) throw HpcProblemException.BadRequest("credentialId is required");
        return db.RunAsync(s =>
        {
            var found = s.Credentials.Find(credentialId);
            if (found is null || found.WorkerId != workerId)
                throw HpcProblemException.NotFound($"Credential {credentialId} for worker {workerId} not found");
            // Revoking a REVOKED or EXPIRED credential changes nothing and still answers 200.
            s.Credentials.Revoke(credentialId, clock.Stamp());
            return s.Credentials.Find(credentialId)!;
        });
    }

    public Task<List<CredentialRecord>> ListAsync(string workerId)
    {
        RequireWorkerId(workerId);
        return db.RunAsync(s =>
        {
            s.Credentials.ExpireOverdue(workerId, clock.Stamp());
            return s.Credentials.ForWorker(workerId);
        });
    }

    /// <summary>The credential HMAC verification uses: overdue ones expire first, then the newest ACTIVE wins.</summary>
    public Task<CredentialRecord?> ActiveForAsync(string workerId) =>
        db.RunAsync(s =>
        {
            s.Credentials.ExpireOverdue(workerId, clock.Stamp());
            return s.Credentials.NewestActive(workerId);
        });

    public Task TouchAsync(string credentialId) => db.RunAsync(s => s.Credentials.TouchLastUsed(credentialId, clock.Stamp()));

    /// <summary>Back door and --worker-secret: make <paramref name="secret"/> the worker's only ACTIVE credential.
    /// Idempotent, so a state file restarted with the same --worker-secret keeps its credential history tidy.</summary>
    public void SetSecret(string workerId, string secret, string createdBy)
    {
        RequireWorkerId(workerId);
        if (string.IsNullOrEmpty(secret)) throw new ArgumentException("secret must not be empty", nameof(secret));
        db.Run(s =>
        {
            var now = clock.Stamp();
            s.Credentials.ExpireOverdue(workerId, now);
            if (s.Credentials.NewestActive(workerId)?.Secret == secret) return;
            s.Credentials.RevokeAllActive(workerId, now);
            s.Workers.EnsureExists(workerId, now);
            s.Credentials.Insert(new CredentialRecord
            {
                Id = Guid.NewGuid().ToString(),
                WorkerId = workerId,
                Secret = secret,
                Status = WorkerCredentialStatus.Active,
                Label = "preconfigured",
                CreatedAt = now,
                CreatedBy = createdBy,
            });
        });
    }

    private CredentialRecord Insert(DbSession s, string workerId, string secret, string? label, string? expiresAt, string? createdBy, string now)
    {
        s.Workers.EnsureExists(workerId, now);
        // The server fails here, when it tries to encrypt the new secret; the transaction is rolled back.
        if (!settings.HasCredentialsKey) throw new HpcProblemException(503, KeyMissing);
        var record = new CredentialRecord
        {
            Id = Guid.NewGuid().ToString(),
            WorkerId = workerId,
            Secret = secret,
            Status = WorkerCredentialStatus.Active,
            Label = label,
            CreatedAt = now,
            CreatedBy = createdBy,
            ExpiresAt = expiresAt,
        };
        s.Credentials.Insert(record);
        return record;
    }

    private static (string? Label, string? ExpiresAt) ParseIssueBody(JsonElement body)
    {
        string? label = null;
        if (JsonFields.TryGet(body, "label", out var l))
        {
            // Any JSON value is stringified (Java toString) and trimmed; empty means no label.
            var text = (l.ValueKind == JsonValueKind.String ? l.GetString() : l.GetRawText())?.Trim();
            label = string.IsNullOrEmpty(text) ? null : text;
        }
        string? expiresAt = null;
        if (JsonFields.TryGet(body, "expires_at", out var e))
        {
            if (e.ValueKind != JsonValueKind.String || !LocalDateTimeParser.TryParse(e.GetString(), out var parsed))
                throw HpcProblemException.BadRequest("expires_at must be an ISO-8601 datetime");
            expiresAt = ServerTimestamp.Format(parsed);
        }
        return (label, expiresAt);
    }

    private static void RequireWorkerId(string workerId)
    {
        if (string.IsNullOrWhiteSpace(workerId)) throw HpcProblemException.BadRequest("id is required");
    }
}
