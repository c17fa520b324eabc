using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components;
using AlloyOrleans.Grains.Discovery.Relabel;
using Xunit;

namespace AlloyOrleans.Tests.Discovery;

/// <summary>Each relabel action against the behaviour Prometheus documents and tests (model/relabel).</summary>
public sealed class RelabelProcessorTests
{
    /// <summary>Labels written as <c>a=1,b=2</c>; a value may not contain a comma.</summary>
    private static LabelSet L(string labels) =>
        labels.Length == 0
            ? LabelSet.Empty
            : LabelSet.From(labels.Split(',').Select(p => p.Split('=', 2)).Select(p => new Label(p[0], p[1])));

    private static LabelSet? Run(string input, params RelabelRule[] rules) => RelabelProcessor.Process(L(input), rules);

    public static TheoryData<string, RelabelRule, string?> Cases() => new()
    {
        // replace: the default regex (.*) and replacement $1 copy the joined source values.
        { "a=foo,b=bar", new RelabelRule(["a", "b"], targetLabel: "c"), "a=foo,b=bar,c=foo;bar" },
        { "a=foo,b=bar", new RelabelRule(["a", "b"], separator: "-", targetLabel: "c"), "a=foo,b=bar,c=foo-bar" },
        // replace with a group reference, fully anchored: "f(.*)" must match the whole value.
        { "a=foo", new RelabelRule(["a"], regex: "f(.*)", targetLabel: "d", replacement: "ch${1}-ch${1}"), "a=foo,d=choo-choo" },
        { "a=boo", new RelabelRule(["a"], regex: "f", targetLabel: "b", replacement: "bar"), "a=boo" },
        { "a=xfoo", new RelabelRule(["a"], regex: "f(.*)", targetLabel: "d"), "a=xfoo" },
        // A missing source label is the empty string; (.*) matches it and $1 is empty, which deletes the target.
        { "a=foo,b=bar", new RelabelRule(["missing"], targetLabel: "b"), "a=foo" },
        { "a=foo", new RelabelRule(targetLabel: "static", replacement: "value"), "a=foo,static=value" },
        // Named groups, $name and Go's longest-name rule: $1x is the (absent) group "1x", so it expands to nothing.
        { "a=foo", new RelabelRule(["a"], regex: "(?P<first>f)(o+)", targetLabel: "b", replacement: "${first}-$2"), "a=foo,b=f-oo" },
        { "a=foo", new RelabelRule(["a"], regex: "(f)(o+)", targetLabel: "b", replacement: "$1x$2"), "a=foo,b=oo" },
        { "a=foo", new RelabelRule(["a"], regex: "(f)(o+)", targetLabel: "b", replacement: "$$1"), "a=foo,b=$1" },
        // Go numbers groups left to right even when some are named.
        { "a=foo", new RelabelRule(["a"], regex: "(?P<x>f)(o+)", targetLabel: "b", replacement: "$2"), "a=foo,b=oo" },
        // The target label can be templated; an invalid or empty result changes nothing.
        { "a=foo,f=baz", new RelabelRule(["a"], regex: "(f).*", targetLabel: "$1", replacement: "$2"), "a=foo" },
        { "a=foo", new RelabelRule(["a"], regex: "(f).*", targetLabel: "name_$1", replacement: "x"), "a=foo,name_f=x" },
        { "a=some-name", new RelabelRule(["a"], regex: "(.*)", targetLabel: "${1}", replacement: "x"), "a=some-name" },
        // Dot matches a newline (Prometheus compiles ^(?s:…)$).
        { "a=foo\nbar", new RelabelRule(["a"], regex: "foo.bar", targetLabel: "b", replacement: "y"), "a=foo\nbar,b=y" },
        // keep / drop.
        { "a=foo", new RelabelRule(["a"], regex: "f.*", action: RelabelAction.Keep), "a=foo" },
        { "a=boo", new RelabelRule(["a"], regex: "f.*", action: RelabelAction.Keep), null },
        { "a=foo", new RelabelRule(["a"], regex: "f.*", action: RelabelAction.Drop), null },
        { "a=boo", new RelabelRule(["a"], regex: "f.*", action: RelabelAction.Drop), "a=boo" },
        { "a=foo,b=bar", new RelabelRule(["a", "b"], regex: "foo;bar", action: RelabelAction.Keep), "a=foo,b=bar" },
        { "a=foo", new RelabelRule(["a"], regex: "", action: RelabelAction.Keep), null },
        { "b=foo", new RelabelRule(["a"], regex: "", action: RelabelAction.Keep), "b=foo" },
        // keepequal / dropequal compare the joined sources with the target label's value.
        { "__tmp_port=1234,__port1=1234", new RelabelRule(["__tmp_port"], targetLabel: "__port1", action: RelabelAction.KeepEqual), "__port1=1234,__tmp_port=1234" },
        { "__tmp_port=1234,__port1=5678", new RelabelRule(["__tmp_port"], targetLabel: "__port1", action: RelabelAction.KeepEqual), null },
        { "__tmp_port=1234,__port1=1234", new RelabelRule(["__tmp_port"], targetLabel: "__port1", action: RelabelAction.DropEqual), null },
        { "__tmp_port=1234,__port1=5678", new RelabelRule(["__tmp_port"], targetLabel: "__port1", action: RelabelAction.DropEqual), "__port1=5678,__tmp_port=1234" },
        // hashmod: values from Prometheus' relabel_test.go (md5 of "baz" mod 1000 = 976; "foo\nbar" = 734).
        { "a=foo,b=bar,c=baz", new RelabelRule(["c"], targetLabel: "d", modulus: 1000, action: RelabelAction.HashMod), "a=foo,b=bar,c=baz,d=976" },
        { "a=foo\nbar", new RelabelRule(["a"], targetLabel: "b", modulus: 1000, action: RelabelAction.HashMod), "a=foo\nbar,b=734" },
        // labelmap copies every matching label under the expanded name.
        { "a=foo,b1=bar,b2=baz", new RelabelRule(regex: "(b.*)", replacement: "bar_${1}", action: RelabelAction.LabelMap), "a=foo,b1=bar,b2=baz,bar_b1=bar,bar_b2=baz" },
        { "a=foo,__meta_my_bar=aaa,__meta_my_baz=bbb,__meta_other=ccc", new RelabelRule(regex: "__meta_(my.*)", replacement: "${1}", action: RelabelAction.LabelMap), "__meta_my_bar=aaa,__meta_my_baz=bbb,__meta_other=ccc,a=foo,my_bar=aaa,my_baz=bbb" },
        { "a=some-name-value", new RelabelRule(regex: "a", replacement: "x", action: RelabelAction.LabelMap), "a=some-name-value,x=some-name-value" },
        // labeldrop / labelkeep match label names, fully anchored.
        { "a=foo,b=bar,c=baz", new RelabelRule(regex: "(b|c)", action: RelabelAction.LabelDrop), "a=foo" },
        { "a=foo,b=bar,c=baz", new RelabelRule(regex: "b", action: RelabelAction.LabelKeep), "b=bar" },
        { "foo=1,foobar=2", new RelabelRule(regex: "foo", action: RelabelAction.LabelDrop), "foobar=2" },
        // lowercase / uppercase.
        { "foo=bAr123Foo", new RelabelRule(["foo"], targetLabel: "foo_lower", action: RelabelAction.Lowercase), "foo=bAr123Foo,foo_lower=bar123foo" },
        { "foo=bAr123Foo", new RelabelRule(["foo"], targetLabel: "foo_upper", action: RelabelAction.Uppercase), "foo=bAr123Foo,foo_upper=BAR123FOO" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Applies_each_action_as_prometheus_does(string input, RelabelRule rule, string? expected)
    {
        var output = Run(input, rule);

        Assert.Equal(expected is null ? null : L(expected), output);
    }

    [Fact]
    public void Rules_run_in_order_and_each_sees_the_previous_output()
    {
        var output = Run(
            "__address__=10.0.0.1:9100,__meta_kubernetes_pod_name=web-1",
            new RelabelRule(["__meta_kubernetes_pod_name"], targetLabel: "pod"),
            new RelabelRule(["pod"], regex: "web-.*", action: RelabelAction.Keep),
            new RelabelRule(regex: "__meta_.*", action: RelabelAction.LabelDrop));

        Assert.Equal(L("__address__=10.0.0.1:9100,pod=web-1"), output);
    }

    [Fact]
    public void Unchanged_labels_come_back_as_the_same_instance()
    {
        var input = L("a=foo,b=bar");

        var output = RelabelProcessor.Process(input, [new RelabelRule(["a"], regex: "f.*", action: RelabelAction.Keep), new RelabelRule(["a"], targetLabel: "a")]);

        Assert.Same(input, output);
    }

    [Fact]
    public void Hashmod_spreads_addresses_over_every_bucket()
    {
        var buckets = Enumerable.Range(0, 1000)
            .Select(i => RelabelProcessor.HashMod($"10.0.{i / 256}.{i % 256}:9100", 4))
            .GroupBy(b => b)
            .ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(new ulong[] { 0, 1, 2, 3 }, buckets.Keys.Order());
        Assert.All(buckets.Values, count => Assert.InRange(count, 150, 350));
    }

    public static TheoryData<Func<RelabelRule>, string> InvalidRules() => new()
    {
        { () => RelabelRule.Create([], ";", "(.*)", 0, "x", "$1", "explode"), "action" },
        { () => RelabelRule.Create([], ";", "(.*)", 0, "x", "$1", ""), "action" },
        { () => new RelabelRule(["a"], action: RelabelAction.Replace), "target_label" },
        { () => new RelabelRule(["a"], targetLabel: "t", action: RelabelAction.HashMod), "modulus" },
        { () => new RelabelRule(["a"], modulus: 10, action: RelabelAction.HashMod), "target_label" },
        { () => new RelabelRule(["a"], targetLabel: "1abc", action: RelabelAction.Replace), "target_label" },
        { () => new RelabelRule(["a"], targetLabel: "$1", action: RelabelAction.Lowercase), "target_label" },
        { () => new RelabelRule(["a"], regex: "(unclosed", targetLabel: "t"), "regex" },
        { () => new RelabelRule(["a"], regex: "x", targetLabel: "t", action: RelabelAction.KeepEqual), "action" },
        { () => new RelabelRule(["a"], regex: "x", action: RelabelAction.LabelDrop), "action" },
        { () => new RelabelRule(regex: "x", replacement: "not-a-name", action: RelabelAction.LabelMap), "replacement" },
    };

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public void Invalid_rules_are_argument_errors_naming_the_attribute(Func<RelabelRule> create, string attribute)
    {
        var error = Assert.Throws<ComponentArgumentException>(create);

        Assert.Equal(attribute, error.AttributeName);
    }

    [Fact]
    public void Action_names_are_case_insensitive()
    {
        var rule = RelabelRule.Create(["a"], ";", "f.*", 0, "", "$1", "KEEP");

        Assert.Equal(RelabelAction.Keep, rule.Action);
    }
}
