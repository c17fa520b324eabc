using Xunit;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Tests.Configuration;

public sealed class ValueDecoderTests
{
    public enum RelabelAction
    {
        Replace,
        KeepEqual,
        HashMod,
    }

    private static AlloyValue Eval(string expression) => Evaluator.Evaluate(Parser.ParseExpression("e", expression), TestConfigurations.Library);

    [Theory]
    [InlineData("15s", 15_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("250ms", 250)]
    [InlineData("0", 0)]
    public void Durations_are_Go_duration_strings(string text, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ValueDecoder.Decode(AlloyValue.String(text), typeof(TimeSpan)));
    }

    [Theory]
    [InlineData("15")]
    [InlineData("1d")]
    [InlineData("s")]
    [InlineData("")]
    public void Bad_durations_are_rejected(string text)
    {
        Assert.Throws<ValueException>(() => ValueDecoder.Decode(AlloyValue.String(text), typeof(TimeSpan)));
    }

    [Theory]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(500, "500ms")]
    [InlineData(0, "0s")]
    public void Durations_encode_as_Go_prints_them(long milliseconds, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData("replace", RelabelAction.Replace)]
    [InlineData("keepequal", RelabelAction.KeepEqual)]
    [InlineData("keep_equal", RelabelAction.KeepEqual)]
    [InlineData("hashmod", RelabelAction.HashMod)]
    public void Enums_accept_Alloy_spellings(string text, RelabelAction expected)
    {
        Assert.Equal(expected, ValueDecoder.Decode(AlloyValue.String(text), typeof(RelabelAction)));
    }

    [Fact]
    public void Unknown_enum_values_list_the_allowed_ones()
    {
        var error = Assert.Throws<ValueException>(() => ValueDecoder.Decode(AlloyValue.String("nope"), typeof(RelabelAction)));
        Assert.Equal("unknown value \"nope\"; expected one of: replace, keep_equal, hash_mod", error.Message);
    }

    [Fact]
    public void Collections_and_label_sets_decode_from_arrays_and_objects()
    {
        var targets = (IReadOnlyList<LabelSet>)ValueDecoder.Decode(Eval("[{b = \"2\", a = \"1\"}, {c = \"\"}]"), typeof(IReadOnlyList<LabelSet>))!;
        Assert.Equal([LabelSet.From(("a", "1"), ("b", "2")), LabelSet.Empty], targets);

        var parameters = (IReadOnlyDictionary<string, IReadOnlyList<string>>)ValueDecoder.Decode(Eval("{module = [\"http_2xx\"]}"), typeof(IReadOnlyDictionary<string, IReadOnlyList<string>>))!;
        Assert.Equal(["http_2xx"], parameters["module"]);

        Assert.Equal(42, ValueDecoder.Decode(Eval("42.0"), typeof(int)));
        Assert.Equal(2.5, ValueDecoder.Decode(Eval("2.5"), typeof(double)));
        Assert.Equal("1024", ValueDecoder.Decode(Eval("1024"), typeof(string)));
        Assert.Null(ValueDecoder.Decode(AlloyValue.Null, typeof(int?)));
        Assert.Equal(new Uri("http://mimir:9009/api/v1/push"), ValueDecoder.Decode(Eval("\"http://mimir:9009/api/v1/push\""), typeof(Uri)));
        Assert.Throws<ValueException>(() => ValueDecoder.Decode(Eval("\"not a url\""), typeof(Uri)));
    }

    [Fact]
    public void Exported_label_sets_decode_to_the_same_instances_and_compare_by_content()
    {
        var exports = new TargetsExports { Targets = [LabelSet.From(("__address__", "a:1"))] };

        var value = ValueEncoder.EncodeObject(exports, typeof(TargetsExports));

        Assert.Equal("{\"targets\" = [{\"__address__\" = \"a:1\"}]}", value.ToString());
        var decoded = (IReadOnlyList<LabelSet>)ValueDecoder.Decode(value.AsObject()["targets"], typeof(IReadOnlyList<LabelSet>))!;
        Assert.Same(exports.Targets[0], Assert.Single(decoded));
        Assert.Equal(value, ValueEncoder.EncodeObject(new TargetsExports { Targets = [LabelSet.From(("__address__", "a:1"))] }, typeof(TargetsExports)));
        Assert.NotEqual(value, ValueEncoder.EncodeObject(new TargetsExports { Targets = [LabelSet.From(("__address__", "a:2"))] }, typeof(TargetsExports)));
        Assert.Equal(value, Eval("{targets = [{\"__address__\" = \"a:1\"}]}"));
    }
}
