using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Silo.Commands;
using Xunit;

namespace AlloyOrleans.Tests.Commands;

public class LabelSetNotationTests
{
    [Fact]
    public void Reads_back_what_LabelSet_writes()
    {
        var labels = LabelSet.From(("__address__", "h:9100"), ("quote", "a\"b"), ("slash", "c\\d"), ("line", "e\nf"), ("utf8", "prod-\u00ebu"));

        Assert.Equal(labels, LabelSetNotation.Parse(labels.ToString()));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("  { }  ")]
    [InlineData("{a=\"1\",}")]
    [InlineData("{ a = \"1\" , b=\"2\" }")]
    public void Accepts_spacing_empty_sets_and_a_trailing_comma(string text)
    {
        var labels = LabelSetNotation.Parse(text);
        Assert.All(labels, l => Assert.Contains(l.Name, new[] { "a", "b" }));
    }

    [Fact]
    public void An_empty_value_means_the_label_is_absent()
    {
        Assert.Equal(LabelSet.From(("a", "1")), LabelSetNotation.Parse("{a=\"1\", b=\"\"}"));
    }
}
