using Xunit;
using AlloyOrleans.Grains.Scrape.Exposition;

namespace AlloyOrleans.Tests.Scrape.Exposition;

/// <summary>Our reader agrees with Prometheus 2.42 on every case of <see cref="ExpositionCases"/>.</summary>
public sealed class ExpositionReaderTableTests
{
    [Theory]
    [MemberData(nameof(ExpositionCases.Names), MemberType = typeof(ExpositionCases))]
    public void Reads_like_prometheus(string name)
    {
        var @case = ExpositionCases.Get(name);
        if (@case.Accepted)
        {
            Assert.Equal(@case.Samples!, SampleText.ReadAll(@case.Body, @case.Format));
        }
        else
        {
            var error = Assert.Throws<ExpositionFormatException>(() => SampleText.ReadAll(@case.Body, @case.Format));
            Assert.Contains(@case.Error!, error.Message);
        }
    }
}
