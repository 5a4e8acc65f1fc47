namespace Emx2Hpc.Core.State;

/// <summary>Counter and audit writes inside a <see cref="StateStore.InTransaction"/>, so a side effect's record,
/// its count and its audit event commit together or not at all.</summary>
public static class StateTransactionOperations
{
    public static void AddCounter(this StateTransaction tx, string name, IReadOnlyList<(string Name, string Value)> labels, double amount = 1) =>
        tx.Store.AddCounter(name, labels, amount, tx.Tx);

    public static void Acknowledge(this StateTransaction tx, long sequence) =>
        StateStore.Execute(tx.Store.Cmd("DELETE FROM outbox WHERE seq=$s", ("$s", sequence)), tx.Tx);

    public static void SaveUpload(this StateTransaction tx, ArtifactUpload upload) => tx.Store.SaveUpload(upload, tx.Tx);

    public static void MarkFileUploaded(this StateTransaction tx, string jobId, ArtifactRole role, string path, string sha256) =>
        tx.Store.MarkFileUploaded(jobId, role, path, sha256, tx.Tx);

    public static void SaveUsage(this StateTransaction tx, string jobId, Scheduling.Usage.JobUsage usage) =>
        tx.Store.SaveUsage(jobId, usage, tx.Tx);

    public static long AppendAudit(this StateTransaction tx, DateTimeOffset time, string eventName, string? jobId, string dataJson) =>
        tx.Store.AppendAudit(time, eventName, jobId, dataJson, tx.Tx);
}
