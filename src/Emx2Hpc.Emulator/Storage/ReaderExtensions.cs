using Microsoft.Data.Sqlite;

namespace Emx2Hpc.Emulator.Storage;

/// <summary>Null-aware column access by name.</summary>
internal static class ReaderExtensions
{
    public static string? Str(this SqliteDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetString(i);
    }

    public static string Req(this SqliteDataReader r, string column) =>
        r.Str(column) ?? throw new InvalidOperationException($"column {column} is unexpectedly null");

    public static long? Long(this SqliteDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetInt64(i);
    }

    public static int? Int(this SqliteDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetInt32(i);
    }

    public static double? Double(this SqliteDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetDouble(i);
    }
}
