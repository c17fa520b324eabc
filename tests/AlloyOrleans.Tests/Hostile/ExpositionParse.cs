using AlloyOrleans.Grains.Scrape.Exposition;

namespace AlloyOrleans.Tests.Hostile;

/// <summary>Parses a whole exposition the way a scrape does (every series' labels, label sets and help texts).</summary>
internal static class ExpositionParse
{
    /// <summary>Reads everything; returns the number of entries. Throws what the reader throws.</summary>
    public static int ReadAll(ReadOnlySpan<byte> body, ExpositionFormat format)
    {
        var reader = new ExpositionReader(body, format);
        var entries = 0;
        while (reader.Read())
        {
            entries++;
            switch (reader.Kind)
            {
                case EntryKind.Series:
                    foreach (var label in reader.Labels)
                    {
                        _ = label.GetValue();
                    }
                    _ = reader.CreateLabelSet();
                    break;
                case EntryKind.Help:
                    _ = reader.GetHelpText();
                    break;
            }
        }
        return entries;
    }
}
