using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using AlloyOrleans.Grains.Pyroscope.Pprof;
using Google.Protobuf;

namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>
/// Reads a scraped body as a pprof profile: gunzips it when it is gzip (as Go serves them) without ever holding more
/// than the size limit, parses the protobuf and checks what later steps rely on (string table, sample types, value
/// counts, location and string references). Anything else is a <see cref="ProfileFormatException"/>.
/// </summary>
public static class ProfileDecoder
{
    /// <summary>
    /// Buffers up to a megabyte (every profile we have seen) come from the shared pool; larger ones are the garbage
    /// collector's, so a profile near the limit (or a gzip bomb) leaves no hundred-megabyte array held by the pool.
    /// </summary>
    private const int PooledUpTo = 1 << 20;

    public static bool IsGzip(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b;

    public static Profile Decode(ReadOnlyMemory<byte> body, long maxUncompressedBytes)
    {
        if (body.IsEmpty)
        {
            throw new ProfileFormatException("empty profile");
        }
        if (!IsGzip(body.Span))
        {
            return Parse(body.Span);
        }
        // The parsed profile keeps nothing of the decompressed bytes, so they go back to the pool.
        var (buffer, length) = Gunzip(body, maxUncompressedBytes);
        try
        {
            return Parse(buffer.AsSpan(0, length));
        }
        finally
        {
            Release(buffer);
        }
    }

    private static Profile Parse(ReadOnlySpan<byte> raw)
    {
        Profile profile;
        try
        {
            profile = Profile.Parser.ParseFrom(raw);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ProfileFormatException("not a pprof profile: " + e.Message);
        }
        Validate(profile);
        return profile;
    }

    /// <summary>
    /// Inflates into one buffer, sized up front from the gzip trailer's length (what Go wrote), so an honest profile is
    /// read without copies. The trailer is only a hint: the first buffer is at most 32 times the body (pprof compresses
    /// 2–5 times) and grows by doubling, never past the limit.
    /// </summary>
    private static (byte[] Buffer, int Length) Gunzip(ReadOnlyMemory<byte> body, long limit)
    {
        var max = limit > 0 ? Math.Min(limit, Array.MaxLength - 1) : Array.MaxLength - 1;
        var hint = body.Length >= 18 ? BinaryPrimitives.ReadUInt32LittleEndian(body.Span[^4..]) : 0;
        var buffer = Allocate((int)Math.Clamp(Math.Min(hint, 32L * body.Length), Math.Min(4096, max + 1), max + 1));
        var length = 0;
        try
        {
            using var input = MemoryMarshal.TryGetArray(body, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(body.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = Allocate((int)Math.Min(max + 1, 2L * buffer.Length));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    Release(buffer);
                    buffer = larger;
                }
                // One byte past the limit is room enough to know the profile is larger than it.
                var read = gzip.Read(buffer.AsSpan(length, (int)Math.Min(buffer.Length, max + 1) - length));
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > max)
                {
                    throw new ProfileFormatException($"decompressed profile larger than the limit of {limit} bytes");
                }
            }
            CheckTrailer(body.Span, buffer.AsSpan(0, length));
            return (buffer, length);
        }
        catch (InvalidDataException e)
        {
            Release(buffer);
            throw new ProfileFormatException("invalid gzip data: " + e.Message);
        }
        catch
        {
            Release(buffer);
            throw;
        }
    }

    private static byte[] Allocate(int size) => size <= PooledUpTo ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);

    private static void Release(byte[] buffer)
    {
        if (buffer.Length <= PooledUpTo)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// GZipStream ends quietly at a truncated stream; the trailer (CRC-32 and size of what it encodes, as Go writes
    /// one gzip member per profile) tells a cut or corrupted body from a whole one.
    /// </summary>
    private static void CheckTrailer(ReadOnlySpan<byte> gzip, ReadOnlySpan<byte> data)
    {
        if (gzip.Length < 18)
        {
            throw new ProfileFormatException("invalid gzip data: shorter than a gzip header and trailer");
        }
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(gzip[^8..]);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(gzip[^4..]);
        if (size != (uint)data.Length || crc != Crc32.HashToUInt32(data))
        {
            throw new ProfileFormatException("invalid gzip data: truncated or corrupt (the gzip trailer does not match the data)");
        }
    }

    private static void Validate(Profile profile)
    {
        var strings = profile.StringTable.Count;
        if (strings == 0 || profile.StringTable[0].Length != 0)
        {
            throw new ProfileFormatException("not a pprof profile: the string table must start with an empty string");
        }
        if (profile.SampleType.Count == 0)
        {
            throw new ProfileFormatException("not a pprof profile: no sample types");
        }
        foreach (var type in profile.SampleType)
        {
            CheckString(type.Type, strings);
            CheckString(type.Unit, strings);
        }
        var locations = new HashSet<ulong>(profile.Location.Count);
        foreach (var location in profile.Location)
        {
            locations.Add(location.Id);
        }
        foreach (var function in profile.Function)
        {
            CheckString(function.Name, strings);
            CheckString(function.SystemName, strings);
            CheckString(function.Filename, strings);
        }
        foreach (var sample in profile.Sample)
        {
            if (sample.Value.Count != profile.SampleType.Count)
            {
                throw new ProfileFormatException($"not a pprof profile: a sample has {sample.Value.Count} values for {profile.SampleType.Count} sample types");
            }
            foreach (var id in sample.LocationId)
            {
                if (!locations.Contains(id))
                {
                    throw new ProfileFormatException($"not a pprof profile: a sample refers to location {id}, which does not exist");
                }
            }
            foreach (var label in sample.Label)
            {
                CheckString(label.Key, strings);
                CheckString(label.Str, strings);
                CheckString(label.NumUnit, strings);
            }
        }
    }

    private static void CheckString(long index, int count)
    {
        if (index < 0 || index >= count)
        {
            throw new ProfileFormatException($"not a pprof profile: string index {index} out of range ({count} strings)");
        }
    }

    /// <summary>Serialises a profile gzip-compressed, as pprof files and Pyroscope's push API carry them.</summary>
    public static byte[] EncodeGzip(Profile profile)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            profile.WriteTo(gzip);
        }
        return output.ToArray();
    }
}
