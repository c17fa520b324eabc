using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
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
    public static bool IsGzip(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b;

    public static Profile Decode(ReadOnlyMemory<byte> body, long maxUncompressedBytes)
    {
        if (body.IsEmpty)
        {
            throw new ProfileFormatException("empty profile");
        }
        var raw = IsGzip(body.Span) ? Gunzip(body, maxUncompressedBytes) : body;
        Profile profile;
        try
        {
            profile = Profile.Parser.ParseFrom(raw.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ProfileFormatException("not a pprof profile: " + e.Message);
        }
        Validate(profile);
        return profile;
    }

    private static ReadOnlyMemory<byte> Gunzip(ReadOnlyMemory<byte> body, long limit)
    {
        using var input = new MemoryStream(body.ToArray(), writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                if (limit > 0 && output.Length + read > limit)
                {
                    throw new ProfileFormatException($"decompressed profile larger than the limit of {limit} bytes");
                }
                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new ProfileFormatException("invalid gzip data: " + e.Message);
        }
        var data = output.GetBuffer().AsMemory(0, (int)output.Length);
        CheckTrailer(body.Span, data.Span);
        return data;
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
