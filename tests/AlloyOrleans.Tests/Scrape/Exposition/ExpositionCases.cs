using AlloyOrleans.Grains.Scrape.Exposition;
using Xunit;
using static AlloyOrleans.Tests.Scrape.Exposition.ExpositionCase;

namespace AlloyOrleans.Tests.Scrape.Exposition;

/// <summary>
/// Valid and invalid expositions with what Prometheus 2.42 does with each. <see cref="PrometheusOracleTests"/>
/// checks every case against a real Prometheus 2.42; <see cref="ExpositionReaderTableTests"/> checks our reader.
/// </summary>
public static class ExpositionCases
{
    public static readonly ExpositionCase[] All =
    [
        // ---- Prometheus text format 0.0.4: accepted ----
        Text("text/simple", "foo 1\n", "foo 1"),
        Text("text/no-trailing-newline", "foo 1", "foo 1"),
        Text("text/empty-body", ""),
        Text("text/labels-and-timestamp", "foo{a=\"1\",b=\"2\"} 3 1700000000000\n", "foo{a=\"1\",b=\"2\"} 3 @1700000000000"),
        Text("text/blank-lines-and-comments", "\n# just a comment\n#\n#HELP not metadata\n\nfoo 1\n\n", "foo 1"),
        Text("text/help-and-type", "# HELP foo Some help.\n# TYPE foo counter\nfoo 1\n", "foo 1"),
        Text("text/blanks-between-tokens", "foo { a = \"1\" , b=\"2\" }  1 \t\n", "foo{a=\"1\",b=\"2\"} 1"),
        Text("text/tab-separated", "foo\t1\t5\n", "foo 1 @5"),
        Text("text/labels-without-comma", "foo{a=\"1\" b=\"2\"} 1\n", "foo{a=\"1\",b=\"2\"} 1"),
        Text("text/trailing-comma", "foo{a=\"1\",} 1\n", "foo{a=\"1\"} 1"),
        Text("text/empty-braces", "foo{} 1\n", "foo 1"),
        Text("text/empty-label-value-dropped", "foo{a=\"\",b=\"x\"} 1\n", "foo{b=\"x\"} 1"),
        Text("text/colon-in-name", "job:foo_bar:rate5m 1\n", "job:foo_bar:rate5m 1"),
        Text("text/special-values",
            "a NaN\nb nan\nc Inf\nd +inf\ne -Inf\nf Infinity\ng -infinity\nh +INF\n",
            "a NaN", "b NaN", "c +Inf", "d +Inf", "e -Inf", "f +Inf", "g -Inf", "h +Inf"),
        Text("text/number-forms",
            "a 1.5\nb -0.25\nc 1e3\nd 1E-3\ne .5\nf 5.\ng +7\nh 0001\ni 1.7976931348623157e308\nj 123456789012345678901234567890\n",
            "a 1.5", "b -0.25", "c 1000", "d 0.001", "e 0.5", "f 5", "g 7", "h 1", "i 1.7976931348623157E+308", "j 1.2345678901234568E+29"),
        Text("text/label-escapes", "foo{a=\"x\\\"y\\\\z\\nw\",b=\"tab\\there\"} 1\n", "foo{a=\"x\\\"y\\\\z\\nw\",b=\"tab\\\\there\"} 1"),
        Text("text/raw-newline-in-label-value", "foo{a=\"x\ny\"} 1\n", "foo{a=\"x\\ny\"} 1"),
        Text("text/unicode-label-value", "foo{a=\"ü€😀\"} 1\n", "foo{a=\"ü€😀\"} 1"),
        Text("text/duplicate-series-keeps-both-entries", "foo 1\nfoo 2\n", "foo 1", "foo 2"),
        Text("text/help-escapes", "# HELP foo a\\\\b\\nc\\td \\\"q\\\"\nfoo 1\n", "foo 1"),
        Text("text/help-without-text", "# HELP foo\nfoo 1\n", "foo 1"),
        Text("text/type-untyped", "# TYPE foo untyped\nfoo 1\n", "foo 1"),
        Text("text/comment-with-crlf", "# a comment\r\nfoo 1\n", "foo 1"),
        Text("text/max-timestamp", "foo 1 9223372036854775807\n", "foo 1 @9223372036854775807"),
        Text("text/nul-ends-input", "foo 1\n\0garbage{\n", "foo 1"),
        Text("text/histogram-and-summary",
            "# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 0.3\nh_count 2\n" +
            "# TYPE s summary\ns{quantile=\"0.5\"} 0.2\ns{quantile=\"0.99\"} NaN\ns_sum 1\ns_count 4\n",
            "h_bucket{le=\"0.1\"} 1", "h_bucket{le=\"+Inf\"} 2", "h_sum 0.3", "h_count 2",
            "s{quantile=\"0.5\"} 0.2", "s{quantile=\"0.99\"} NaN", "s_sum 1", "s_count 4"),
        Text("text/no-blank-after-labels", "foo{a=\"1\"}1\n", "foo{a=\"1\"} 1"),
        Text("text/blanks-after-timestamp", "foo 1 123 \t\n", "foo 1 @123"),
        Text("text/zero-timestamp", "foo 1 0\n", "foo 1 @0"),
        Text("text/signed-exponents", "a 1e+3\nb 2E-02\nc -0\n", "a 1000", "b 0.02", "c -0"),
        Text("text/help-trailing-blanks", "# HELP foo   \nfoo 1\n", "foo 1"),
        Text("text/help-odd-separator", "# HELP foo{x} bar\nfoo 1\n", "foo 1"),
        Text("text/repeated-label-one-empty", "foo{a=\"\",a=\"1\",b=\"2\"} 1\n", "foo{b=\"2\"} 1"),
        Text("text/repeated-label-empty-last", "foo{a=\"1\",a=\"2\",a=\"\"} 1\n", "foo 1"),
        Text("text/repeated-type", "# TYPE foo counter\n# TYPE foo gauge\nfoo 1\n", "foo 1"),
        Text("text/help-after-hash-tab", "#\tHELP foo bar\nfoo 1\n", "foo 1"),
        Text("text/leading-blanks-before-comment", "  # comment\nfoo 1\n", "foo 1"),
        Text("text/blank-only-line", "foo 1\n   \nbar 2\n", "foo 1", "bar 2"),

        // ---- Prometheus text format 0.0.4: rejected ----
        TextRejected("text/negative-timestamp", "foo 1 -1000\n", "expected timestamp or new record"),
        TextRejected("text/fractional-timestamp", "foo 1 1.5\n", "expected next entry after timestamp"),
        TextRejected("text/crlf", "foo 1\r\n", "invalid syntax"),
        TextRejected("text/crlf-after-timestamp", "foo 1 2\r\n", "expected next entry after timestamp"),
        TextRejected("text/hex-float", "foo 0x1p3\n", "invalid syntax"),
        TextRejected("text/hex-integer", "foo 0x10\n", "invalid syntax"),
        TextRejected("text/digit-separator", "foo 1_000\n", "invalid syntax"),
        TextRejected("text/signed-nan", "foo -nan\n", "invalid syntax"),
        TextRejected("text/partial-infinity", "foo infin\n", "invalid syntax"),
        TextRejected("text/dangling-exponent", "foo 1e\n", "invalid syntax"),
        TextRejected("text/float-overflow", "foo 1e400\n", "value out of range"),
        TextRejected("text/timestamp-overflow", "foo 1 99999999999999999999\n", "value out of range"),
        TextRejected("text/repeated-label", "foo{a=\"1\",a=\"2\"} 1\n", "not unique"),
        TextRejected("text/repeated-label-among-others", "foo{a=\"1\",b=\"\",c=\"3\",a=\"1\"} 1\n", "not unique"),
        TextRejected("text/empty-name-label-in-braces", "foo{__name__=\"\"} 1\n", "not unique"),
        TextRejected("text/name-label-in-braces", "foo{__name__=\"bar\"} 1\n", "not unique"),
        TextRejected("text/type-unknown", "# TYPE foo unknown\nfoo 1\n", "invalid metric type"),
        TextRejected("text/type-with-extra-blank", "# TYPE foo  counter\nfoo 1\n", "invalid metric type"),
        TextRejected("text/type-without-text", "# TYPE foo\nfoo 1\n", "invalid metric type"),
        TextRejected("text/missing-value", "foo\n", "expected value after metric"),
        TextRejected("text/unquoted-label-value", "foo{a=1} 1\n", "expected label value"),
        TextRejected("text/colon-in-label-name", "foo{a:b=\"1\"} 1\n", "expected equal"),
        TextRejected("text/leading-comma", "foo{,a=\"1\"} 1\n", "expected label name"),
        TextRejected("text/double-comma", "foo{a=\"1\",,b=\"2\"} 1\n", "expected label name"),
        TextRejected("text/name-starts-with-digit", "1foo 1\n", "not a valid start token"),
        TextRejected("text/no-metric-name", "{a=\"1\"} 1\n", "not a valid start token"),
        TextRejected("text/two-label-sets", "foo{a=\"1\"}{b=\"2\"} 1\n", "expected value after metric"),
        TextRejected("text/extra-field", "foo 1 2 3\n", "expected next entry after timestamp"),
        TextRejected("text/backslash-newline-in-label-value", "foo{a=\"x\\\ny\"} 1\n", "expected label value"),
        TextRejected("text/unterminated-label-value", "foo{a=\"x} 1\n", "expected label value"),
        TextRejected("text/leading-blanks-before-name", "  foo 1\n", "invalid metric name"),
        TextRejected("text/leading-tab-before-name", "\tfoo 1\n", "invalid metric name"),
        TextRejected("text/leading-blank-second-line", "foo 1\n bar 2\n", "invalid metric name"),
        TextRejected("text/type-trailing-blank", "# TYPE foo counter \nfoo 1\n", "invalid metric type"),
        TextRejected("text/hash-after-value", "foo 1 # comment\n", "expected timestamp or new record"),
        TextRejected("text/exponent-timestamp", "foo 1 1e3\n", "expected next entry after timestamp"),
        TextRejected("text/cr-only-line", "foo 1\n\r\nbar 1\n", "not a valid start token"),
        TextRejected("text/label-name-starts-with-digit", "foo{1a=\"x\"} 1\n", "expected label name"),
        TextRejected("text/unicode-metric-name", "föo 1\n", "invalid syntax"),
        Latin1("text/invalid-utf8-label-value", ExpositionFormat.PrometheusText, "foo{a=\"\xff\"} 1\n", "not valid UTF-8"),
        Latin1("text/invalid-utf8-help", ExpositionFormat.PrometheusText, "# HELP foo \xff\nfoo 1\n", "not valid UTF-8"),
        TextRejected("text/invalid-line-after-valid", "foo 1\nbar\n", "expected value after metric"),

        // ---- OpenMetrics 1.0: accepted ----
        OpenMetrics("om/simple", "foo 1\n# EOF\n", "foo 1"),
        OpenMetrics("om/eof-without-newline", "foo 1\n# EOF", "foo 1"),
        OpenMetrics("om/only-eof", "# EOF\n"),
        OpenMetrics("om/metadata-and-counter",
            "# TYPE foo_seconds counter\n# UNIT foo_seconds seconds\n# HELP foo_seconds Help \\\"quoted\\\".\n" +
            "foo_seconds_total 1\nfoo_seconds_created 1.7e9\n# EOF\n",
            "foo_seconds_total 1", "foo_seconds_created 1700000000"),
        OpenMetrics("om/empty-unit", "# UNIT foo \nfoo 1\n# EOF\n", "foo 1"),
        OpenMetrics("om/float-timestamp", "foo{a=\"1\"} 2 1700000000.123\n# EOF\n", "foo{a=\"1\"} 2 @1700000000123"),
        OpenMetrics("om/negative-timestamp", "foo 2 -1.5\n# EOF\n", "foo 2 @-1500"),
        OpenMetrics("om/exemplar-empty-labels", "foo_bucket{le=\"+Inf\"} 4 # {} 2\n# EOF\n", "foo_bucket{le=\"+Inf\"} 4"),
        OpenMetrics("om/exemplar-with-timestamp", "foo_bucket{le=\"0.5\"} 3 # {trace_id=\"abc\"} 0.3 1700000000.1\n# EOF\n", "foo_bucket{le=\"0.5\"} 3"),
        OpenMetrics("om/exemplar-after-timestamp", "foo_total 4 1700000000 # {trace_id=\"def\",span=\"1\"} 7\n# EOF\n", "foo_total 4 @1700000000000"),
        OpenMetrics("om/exemplars",
            "# TYPE foo histogram\n" +
            "foo_bucket{le=\"0.5\"} 3 # {trace_id=\"abc\"} 0.3 1700000000.1\n" +
            "foo_bucket{le=\"+Inf\"} 4 # {} 2\n" +
            "foo_count 4 1700000000\n" +
            "foo_sum 5\n# TYPE bar counter\nbar_total 7 # {trace_id=\"def\"} 1\n# EOF\n",
            "foo_bucket{le=\"0.5\"} 3", "foo_bucket{le=\"+Inf\"} 4", "foo_count 4 @1700000000000", "foo_sum 5", "bar_total 7"),
        OpenMetrics("om/all-types",
            "# TYPE a gauge\na 1\n# TYPE b info\nb_info{v=\"1\"} 1\n# TYPE c stateset\nc{c=\"x\"} 1\nc{c=\"y\"} 0\n" +
            "# TYPE d gaugehistogram\nd_bucket{le=\"+Inf\"} 1\nd_gcount 1\nd_gsum 1\n# TYPE e summary\ne{quantile=\"0.5\"} 1\ne_sum 1\ne_count 1\n" +
            "# TYPE f unknown\nf 1\n# EOF\n",
            "a 1", "b_info{v=\"1\"} 1", "c{c=\"x\"} 1", "c{c=\"y\"} 0", "d_bucket{le=\"+Inf\"} 1", "d_gcount 1", "d_gsum 1",
            "e{quantile=\"0.5\"} 1", "e_sum 1", "e_count 1", "f 1"),
        OpenMetrics("om/label-escapes", "foo{a=\"x\\\"y\\\\z\\nw\\t\"} 1\n# EOF\n", "foo{a=\"x\\\"y\\\\z\\nw\\\\t\"} 1"),
        OpenMetrics("om/exponent-timestamp", "foo 1 1.5e3\n# EOF\n", "foo 1 @1500000"),
        OpenMetrics("om/empty-help", "# HELP foo \nfoo 1\n# EOF\n", "foo 1"),
        OpenMetrics("om/counter-without-total-suffix", "# TYPE foo counter\nfoo 1\nfoo_created 2\n# EOF\n", "foo 1", "foo_created 2"),
        OpenMetrics("om/repeated-type", "# TYPE foo counter\n# TYPE foo gauge\nfoo 1\n# EOF\n", "foo 1"),
        OpenMetrics("om/empty-braces-and-nan", "foo{} NaN\n# EOF\n", "foo NaN"),

        // ---- OpenMetrics 1.0: rejected ----
        OpenMetricsRejected("om/missing-eof", "foo 1\n", "data does not end with # EOF"),
        OpenMetricsRejected("om/missing-eof-without-newline", "foo 1", "data does not end with # EOF"),
        OpenMetricsRejected("om/empty-body", "", "data does not end with # EOF"),
        OpenMetricsRejected("om/data-after-eof", "foo 1\n# EOF\nfoo 2\n", "unexpected data after # EOF"),
        OpenMetricsRejected("om/blank-line-after-eof", "foo 1\n# EOF\n\n", "unexpected data after # EOF"),
        OpenMetricsRejected("om/blank-line", "foo 1\n\nbar 1\n# EOF\n", "not a valid start token"),
        OpenMetricsRejected("om/free-comment", "# hello\nfoo 1\n# EOF\n", "not a valid start token"),
        OpenMetricsRejected("om/two-spaces", "foo  1\n# EOF\n", "expected value after metric"),
        OpenMetricsRejected("om/tab-separator", "foo\t1\n# EOF\n", "expected value after metric"),
        OpenMetricsRejected("om/space-in-labels", "foo{a=\"1\", b=\"2\"} 1\n# EOF\n", "expected label name"),
        OpenMetricsRejected("om/trailing-comma", "foo{a=\"1\",} 1\n# EOF\n", "expected label name"),
        OpenMetricsRejected("om/unit-not-suffix", "# UNIT foo_bytes seconds\n# EOF\n", "not a suffix"),
        OpenMetricsRejected("om/unit-without-underscore", "# UNIT fooseconds seconds\n# EOF\n", "not a suffix"),
        OpenMetricsRejected("om/type-untyped", "# TYPE foo untyped\nfoo 1\n# EOF\n", "invalid metric type"),
        OpenMetricsRejected("om/nan-timestamp", "foo 1 NaN\n# EOF\n", "invalid timestamp"),
        OpenMetricsRejected("om/raw-newline-in-label-value", "foo{a=\"x\ny\"} 1\n# EOF\n", "expected label value"),
        OpenMetricsRejected("om/exemplar-without-value", "foo_total 1 # {a=\"b\"}\n# EOF\n", "expected value after exemplar labels"),
        OpenMetricsRejected("om/exemplar-on-count", "# TYPE foo histogram\nfoo_count 4 # {a=\"b\"} 1\n# EOF\n", "does not support exemplars"),
        OpenMetricsRejected("om/exemplar-on-gauge", "foo 4 # {a=\"b\"} 1\n# EOF\n", "does not support exemplars"),
        OpenMetricsRejected("om/infinite-timestamp", "foo 1 +Inf\n# EOF\n", "invalid timestamp"),
        OpenMetricsRejected("om/value-overflow", "foo 1e400\n# EOF\n", "value out of range"),
        OpenMetricsRejected("om/no-metric-name", "{a=\"1\"} 1\n# EOF\n", "not a valid start token"),
        OpenMetricsRejected("om/eof-trailing-space", "foo 1\n# EOF \n", "unexpected data after # EOF"),
        OpenMetricsRejected("om/metadata-without-newline", "# TYPE foo counter", "expected text in TYPE"),
        OpenMetricsRejected("om/missing-eof-after-timestamp", "foo 1 2", "expected next entry after timestamp"),
        Latin1("om/invalid-utf8-label-value", ExpositionFormat.OpenMetrics, "foo{a=\"\xff\"} 1\n# EOF\n", "not valid UTF-8"),
        OpenMetricsRejected("om/exemplar-nan-timestamp", "foo_total 1 # {a=\"b\"} 1 NaN\n# EOF\n", "invalid exemplar timestamp"),
        OpenMetricsRejected("om/exemplar-extra-field", "foo_total 1 # {a=\"b\"} 1 2 3\n# EOF\n", "expected next entry after exemplar timestamp"),
        OpenMetricsRejected("om/help-without-space", "# HELP foo\nfoo 1\n# EOF\n", "expected text in HELP"),
        OpenMetricsRejected("om/repeated-label", "foo{a=\"1\",a=\"2\"} 1\n# EOF\n", "not unique"),
        OpenMetricsRejected("om/crlf", "foo 1\r\n# EOF\n", "invalid syntax"),
        OpenMetricsRejected("om/hex-value", "foo 0x1p3\n# EOF\n", "invalid syntax"),
    ];

    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    public static ExpositionCase Get(string name) => All.Single(c => c.Name == name);
}
