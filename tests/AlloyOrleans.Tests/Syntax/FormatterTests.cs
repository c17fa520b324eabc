using Xunit;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Tests.Syntax;

public sealed class FormatterTests
{
    [Fact]
    public void Indents_with_tabs_and_aligns_equals_signs_of_adjacent_one_line_attributes()
    {
        var input = "prometheus.scrape \"x\" {\n  targets = []\n    forward_to=[]\n  job_name   =   \"j\"\n}\n";

        var expected = "prometheus.scrape \"x\" {\n\ttargets    = []\n\tforward_to = []\n\tjob_name   = \"j\"\n}\n";
        Assert.Equal(expected, Formatter.Format("f", input));
    }

    [Fact]
    public void Multi_line_values_break_alignment_runs_and_keep_their_line_breaks()
    {
        var input = "a {\n  short = 1\n  list = [\n  \"x\",\n  \"y\"]\n  much_longer = 2\n  obj = { a = 1, bbb = 2 }\n  obj2 = {\n  a = 1,\n  bbb = 2,\n}\n}\n";

        var expected = "a {\n\tshort = 1\n\tlist  = [\n\t\t\"x\",\n\t\t\"y\"]\n\tmuch_longer = 2\n\tobj         = {a = 1, bbb = 2}\n\tobj2        = {\n\t\ta   = 1,\n\t\tbbb = 2,\n\t}\n}\n";
        Assert.Equal(expected, Formatter.Format("f", input));
    }

    [Fact]
    public void Separates_blocks_by_one_blank_line_and_keeps_at_most_one_from_the_source()
    {
        var input = "a \"x\" {}\nb \"y\" {\n  c = 1\n\n\n\n  d = 2\n}\n";

        Assert.Equal("a \"x\" { }\n\nb \"y\" {\n\tc = 1\n\n\td = 2\n}\n", Formatter.Format("f", input));
    }

    [Fact]
    public void Keeps_comments_in_place_and_aligns_trailing_ones()
    {
        var input = "// header\n\n/* block\n   comment */\na {\n  x = 1 // one\n  longer = 2 // two\n  // own line\n  y = f(1, /* inline */ 2)\n}\n// footer\n";

        var expected = "// header\n\n/* block\n   comment */\na {\n\tx      = 1 // one\n\tlonger = 2 // two\n\t// own line\n\ty = f(1, /* inline */ 2)\n}\n// footer\n";
        Assert.Equal(expected, Formatter.Format("f", input));
    }

    [Fact]
    public void Normalises_spacing_in_expressions_and_keeps_literals_verbatim()
    {
        var input = "a = -1+2*x.y[0]( \"s\\t\" ,`raw`,1.50 )\n";

        Assert.Equal("a = -1 + 2 * x.y[0](\"s\\t\", `raw`, 1.50)\n", Formatter.Format("f", input));
    }

    [Fact]
    public void Raw_string_labels_are_rejected_and_multi_line_raw_strings_kept()
    {
        var error = Assert.Throws<SyntaxException>(() => Formatter.Format("f", "block `label` {\n}\n"));
        Assert.Equal("f:1:7: expected block label to be a double quoted string, but got \"`label`\"", error.Message);

        var multiLine = "block \"multi_line\" {\n\tattr = `'\\\"this\nis\na\nmulti_line\nattr'\\\"`\n}\n";
        Assert.Equal(multiLine, Formatter.Format("f", multiLine));
    }

    [Fact]
    public void Crlf_line_ends_format_like_lf()
    {
        Assert.Equal("a \"b\" {\n\tx = 1 // c\n}\n", Formatter.Format("f", "a \"b\" {\r\n  x = 1 // c\r\n}\r\n"));
    }

    [Fact]
    public void Formatting_is_idempotent()
    {
        var input = "x \"y\" {\nz = [{a=1},\n{b=2}]\nw = {\nq=1,\nrr = [1,\n2],\n}\n  block { v = 1 }\n}\n";

        var once = Formatter.Format("f", input);
        Assert.Equal(once, Formatter.Format("f", once));
    }
}
