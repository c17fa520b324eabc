using System.Runtime.CompilerServices;

namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>Where one label of the current series lies in the body, recorded while the reader validates it.</summary>
internal readonly record struct LabelSpan(int NameStart, int NameEnd, int ValueStart, int ValueEnd, bool HasEscapes);

/// <summary>The label positions the reader keeps for a series: enough for nearly every series without allocating.</summary>
[InlineArray(Capacity)]
internal struct LabelSpans
{
    public const int Capacity = 16;

    private LabelSpan _element;
}
