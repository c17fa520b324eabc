using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Discovery.Relabel;

/// <summary>
/// Applies relabel rules in order to a label set, with Prometheus' semantics for every action. Returns the new set,
/// the very same instance when nothing changed, or null when a rule dropped it. Thread-safe.
/// </summary>
public static class RelabelProcessor
{
    [ThreadStatic] private static LabelsBuilder? t_builder;
    [ThreadStatic] private static char[]? t_joinBuffer;

    public static LabelSet? Process(LabelSet labels, IReadOnlyList<RelabelRule> rules)
    {
        if (rules.Count == 0)
        {
            return labels;
        }
        var builder = t_builder ??= new LabelsBuilder();
        builder.Reset(labels);
        try
        {
            for (var i = 0; i < rules.Count; i++)
            {
                if (!Apply(rules[i], builder))
                {
                    return null;
                }
            }
            return builder.ToLabelSet();
        }
        finally
        {
            builder.Reset(LabelSet.Empty);
        }
    }

    /// <summary>Runs one rule; false when the rule drops the set.</summary>
    private static bool Apply(RelabelRule rule, LabelsBuilder builder)
    {
        switch (rule.Action)
        {
            case RelabelAction.Keep:
                return rule.Regex.IsMatch(SourceSpan(rule, builder));
            case RelabelAction.Drop:
                return !rule.Regex.IsMatch(SourceSpan(rule, builder));
            case RelabelAction.KeepEqual:
                return SourceSpan(rule, builder).SequenceEqual(builder.Get(rule.TargetLabel));
            case RelabelAction.DropEqual:
                return !SourceSpan(rule, builder).SequenceEqual(builder.Get(rule.TargetLabel));
            case RelabelAction.Replace:
                Replace(rule, builder);
                return true;
            case RelabelAction.Lowercase:
                builder.Set(rule.TargetLabel, SourceString(rule, builder).ToLowerInvariant());
                return true;
            case RelabelAction.Uppercase:
                builder.Set(rule.TargetLabel, SourceString(rule, builder).ToUpperInvariant());
                return true;
            case RelabelAction.HashMod:
                builder.Set(rule.TargetLabel, HashMod(SourceSpan(rule, builder), rule.Modulus).ToString(CultureInfo.InvariantCulture));
                return true;
            case RelabelAction.LabelMap:
                foreach (var label in builder.Snapshot())
                {
                    var match = rule.Regex.Regex.Match(label.Name);
                    if (match.Success)
                    {
                        builder.Set(rule.ReplacementTemplate.Expand(match), label.Value);
                    }
                }
                return true;
            case RelabelAction.LabelDrop:
            case RelabelAction.LabelKeep:
                var dropMatching = rule.Action == RelabelAction.LabelDrop;
                for (var i = builder.Count - 1; i >= 0; i--)
                {
                    if (rule.Regex.IsMatch(builder[i].Name) == dropMatching)
                    {
                        builder.RemoveAt(i);
                    }
                }
                return true;
            default:
                throw new InvalidOperationException($"relabel action {rule.Action} is not implemented");
        }
    }

    private static void Replace(RelabelRule rule, LabelsBuilder builder)
    {
        var value = SourceString(rule, builder);
        // With the default regex, an empty source and no references, Prometheus sets (or deletes) the target directly.
        if (value.Length == 0 && rule.Regex.IsDefault && !rule.TargetTemplate.HasReferences && !rule.ReplacementTemplate.HasReferences)
        {
            builder.Set(rule.TargetLabel, rule.Replacement);
            return;
        }
        // The default regex (.*) matches any value whole, so "$1" (or a literal) needs no regex run.
        if (rule.Regex.IsDefault && !rule.TargetTemplate.HasReferences)
        {
            if (rule.ReplacementTemplate.Literal is { } literal)
            {
                builder.Set(rule.TargetLabel, literal);
                return;
            }
            if (rule.ReplacementTemplate.SingleGroup is 0 or 1)
            {
                builder.Set(rule.TargetLabel, value);
                return;
            }
        }
        var match = rule.Regex.Regex.Match(value);
        if (!match.Success)
        {
            return;
        }
        var target = rule.TargetTemplate.Expand(match);
        if (!RelabelRule.IsValidLabelName(target))
        {
            return;
        }
        builder.Set(target, rule.ReplacementTemplate.Expand(match));
    }

    /// <summary>Prometheus' hashmod: the last 8 bytes of the MD5 of the value, big-endian, modulo the modulus.</summary>
    public static ulong HashMod(ReadOnlySpan<char> value, ulong modulus)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        var rented = byteCount > 256 ? ArrayPool<byte>.Shared.Rent(byteCount) : null;
        try
        {
            var bytes = rented is null ? stackalloc byte[byteCount] : rented.AsSpan(0, byteCount);
            Encoding.UTF8.GetBytes(value, bytes);
            Span<byte> hash = stackalloc byte[16];
            MD5.HashData(bytes, hash);
            return BinaryPrimitives.ReadUInt64BigEndian(hash[8..]) % modulus;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The source labels' values joined by the separator, without allocating (a thread-local buffer).</summary>
    private static ReadOnlySpan<char> SourceSpan(RelabelRule rule, LabelsBuilder builder)
    {
        var sources = rule.SourceLabels;
        switch (sources.Count)
        {
            case 0:
                return ReadOnlySpan<char>.Empty;
            case 1:
                return builder.Get(sources[0]);
        }
        var length = rule.Separator.Length * (sources.Count - 1);
        for (var i = 0; i < sources.Count; i++)
        {
            length += builder.Get(sources[i]).Length;
        }
        var buffer = t_joinBuffer;
        if (buffer is null || buffer.Length < length)
        {
            t_joinBuffer = buffer = new char[Math.Max(length, 256)];
        }
        var position = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            if (i > 0)
            {
                rule.Separator.CopyTo(buffer.AsSpan(position));
                position += rule.Separator.Length;
            }
            var value = builder.Get(sources[i]);
            value.CopyTo(buffer.AsSpan(position));
            position += value.Length;
        }
        return buffer.AsSpan(0, length);
    }

    private static string SourceString(RelabelRule rule, LabelsBuilder builder) =>
        rule.SourceLabels.Count == 1 ? builder.Get(rule.SourceLabels[0]) : new string(SourceSpan(rule, builder));
}
