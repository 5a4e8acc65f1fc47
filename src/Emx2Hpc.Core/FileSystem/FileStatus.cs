namespace Emx2Hpc.Core.FileSystem;

/// <summary>What statx(2) says about one inode. <see cref="Size"/> is the logical size (a sparse file counts in
/// full: that is what hashing and uploading it would cost).</summary>
public readonly record struct FileStatus(FileKind Kind, uint Mode, uint Uid, uint LinkCount, long Size, long ModifiedNanoseconds)
{
    /// <summary>Inode number; with <see cref="Device"/> it names one file whatever names point at it.</summary>
    public ulong Inode { get; init; }

    /// <summary>The file system holding the inode (major &lt;&lt; 32 | minor): a hard link can only be made within one.</summary>
    public ulong Device { get; init; }

    /// <summary>Same inode on the same file system (two names, or a name and a descriptor, of one file).</summary>
    public bool SameInode(FileStatus other) => Inode == other.Inode && Device == other.Device;

    private const uint TypeMask = 0xF000, Fifo = 0x1000, CharDevice = 0x2000, Dir = 0x4000, Block = 0x6000,
        Regular = 0x8000, Link = 0xA000, Socket = 0xC000;

    /// <summary>Permission bits only (e.g. 0700).</summary>
    public uint Permissions => Mode & 0xFFF;

    /// <summary>"FIFO", "socket", "device" or "symbolic link" — the words a FAILED detail uses.</summary>
    public string TypeName => (Mode & TypeMask) switch
    {
        Regular => "regular file",
        Dir => "directory",
        Link => "symbolic link",
        Fifo => "FIFO",
        Socket => "socket",
        CharDevice or Block => "device",
        _ => "unknown file type",
    };

    // struct statx is the same on every Linux architecture: mask u32 @0, blksize u32 @4, attributes u64 @8,
    // nlink u32 @16, uid u32 @20, gid u32 @24, mode u16 @28, ino u64 @32, size u64 @40, blocks u64 @48,
    // attributes_mask u64 @56, atime @64, btime @80, ctime @96, mtime @112 (each i64 sec + u32 nsec + pad),
    // rdev_major u32 @128, rdev_minor u32 @132, dev_major u32 @136, dev_minor u32 @140.
    public const int BufferSize = 256;
    public const uint BasicStats = 0x7FF;

    internal static FileStatus Parse(byte[] b)
    {
        var mode = (uint)BitConverter.ToUInt16(b, 28);
        var kind = (mode & TypeMask) switch
        {
            Regular => FileKind.Regular,
            Dir => FileKind.Directory,
            Link => FileKind.Symlink,
            _ => FileKind.Special,
        };
        var mtime = BitConverter.ToInt64(b, 112) * 1_000_000_000L + BitConverter.ToUInt32(b, 120);
        return new FileStatus(kind, mode, BitConverter.ToUInt32(b, 20), BitConverter.ToUInt32(b, 16), BitConverter.ToInt64(b, 40), mtime)
        {
            Inode = BitConverter.ToUInt64(b, 32),
            Device = ((ulong)BitConverter.ToUInt32(b, 136) << 32) | BitConverter.ToUInt32(b, 140),
        };
    }
}
