namespace Emx2Hpc.Core.Staging;

/// <summary>Content type by file extension for uploaded outputs. A small fixed table instead of the host's MIME
/// database so every worker labels the same file the same way; unknown extensions are octet-stream.</summary>
public static class ContentTypes
{
    public const string OctetStream = "application/octet-stream";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        // text and logs
        ["txt"] = "text/plain", ["log"] = "text/plain", ["out"] = "text/plain", ["err"] = "text/plain",
        ["md"] = "text/markdown", ["html"] = "text/html", ["htm"] = "text/html",
        ["csv"] = "text/csv", ["tsv"] = "text/tab-separated-values",
        // structured data
        ["json"] = "application/json", ["jsonl"] = "application/x-ndjson", ["ndjson"] = "application/x-ndjson",
        ["xml"] = "application/xml", ["yaml"] = "application/yaml", ["yml"] = "application/yaml",
        ["parquet"] = "application/vnd.apache.parquet", ["h5"] = "application/x-hdf5", ["hdf5"] = "application/x-hdf5",
        ["npy"] = "application/x-npy", ["npz"] = "application/zip",
        // images and documents
        ["png"] = "image/png", ["jpg"] = "image/jpeg", ["jpeg"] = "image/jpeg", ["gif"] = "image/gif",
        ["svg"] = "image/svg+xml", ["tif"] = "image/tiff", ["tiff"] = "image/tiff", ["pdf"] = "application/pdf",
        // archives
        ["gz"] = "application/gzip", ["tgz"] = "application/gzip", ["bgz"] = "application/gzip",
        ["bz2"] = "application/x-bzip2", ["xz"] = "application/x-xz", ["zst"] = "application/zstd",
        ["zip"] = "application/zip", ["tar"] = "application/x-tar",
        // bioinformatics
        ["fasta"] = "text/x-fasta", ["fa"] = "text/x-fasta", ["fna"] = "text/x-fasta", ["faa"] = "text/x-fasta",
        ["fastq"] = "text/x-fastq", ["fq"] = "text/x-fastq", ["sam"] = "text/x-sam", ["bam"] = "application/x-bam",
        ["cram"] = "application/x-cram", ["vcf"] = "text/x-vcf", ["bcf"] = "application/x-bcf",
        ["bed"] = "text/x-bed", ["gff"] = "text/x-gff3", ["gff3"] = "text/x-gff3", ["gtf"] = "text/x-gtf",
    };

    /// <summary>The type for a file name or relative path; only the last extension counts
    /// ("reads.fastq.gz" is gzip).</summary>
    public static string Guess(string fileName)
    {
        var extension = Path.GetExtension(fileName);
        return extension.Length > 1 && ByExtension.TryGetValue(extension[1..], out var type) ? type : OctetStream;
    }
}
