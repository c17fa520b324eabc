using System.Globalization;
using System.Text;

namespace AlloyOrleans.Tests.Scrape.Exposition;

/// <summary>
/// Generates a realistic exposition shaped like node_exporter's: counter and gauge families with several labels,
/// a histogram and a summary, each family with HELP and TYPE. The series count is counted while writing, so tests
/// can compare a parser against it. Shared with tests/Benchmarks.
/// </summary>
public static class NodeExporterLikeExposition
{
    private static readonly string[] CpuModes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"];
    private static readonly string[] Buckets = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];
    private static readonly string[] Quantiles = ["0", "0.25", "0.5", "0.75", "1"];

    /// <summary>Writes <paramref name="groups"/> groups of series (about 60 series and 5 KB per group).</summary>
    public static (byte[] Body, int Series) Generate(int groups, bool openMetrics = false)
    {
        var text = new StringBuilder();
        var series = 0;
        var random = new Random(42);
        string Float() => (random.NextDouble() * 1e6).ToString("R", CultureInfo.InvariantCulture);

        void Family(string name, string type, string help)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }
        void Sample(string name, string labels, string value)
        {
            text.Append(name);
            if (labels.Length > 0)
            {
                text.Append('{').Append(labels).Append('}');
            }
            text.Append(' ').Append(value).Append('\n');
            series++;
        }

        Family(openMetrics ? "node_cpu_seconds" : "node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.");
        for (var g = 0; g < groups; g++)
        {
            foreach (var mode in CpuModes)
            {
                Sample("node_cpu_seconds_total", $"cpu=\"{g}\",mode=\"{mode}\"", Float());
            }
        }
        Family("node_filesystem_avail_bytes", "gauge", "Filesystem space available to non-root users in bytes.");
        for (var g = 0; g < groups; g++)
        {
            for (var d = 0; d < 4; d++)
            {
                Sample("node_filesystem_avail_bytes", $"device=\"/dev/sd{(char)('a' + d)}{g}\",fstype=\"ext4\",mountpoint=\"/mnt/data{g}/{d}\"", "1.2345678912e+10");
            }
        }
        Family(openMetrics ? "node_network_receive_bytes" : "node_network_receive_bytes_total", "counter", "Network device statistic receive_bytes.");
        for (var g = 0; g < groups; g++)
        {
            for (var d = 0; d < 4; d++)
            {
                Sample("node_network_receive_bytes_total", $"device=\"eth{g}_{d}\"", ((long)(random.NextDouble() * 1e12)).ToString(CultureInfo.InvariantCulture));
            }
        }
        Family("node_load1", "gauge", "1m load average.");
        Sample("node_load1", "", "0.42");
        Family("http_request_duration_seconds", "histogram", "A histogram of request latencies.");
        for (var g = 0; g < groups; g++)
        {
            var handler = $"handler=\"/api/v1/query{g}\",method=\"GET\"";
            var cumulative = 0;
            foreach (var le in Buckets)
            {
                cumulative += random.Next(100);
                Sample("http_request_duration_seconds_bucket", $"{handler},le=\"{le}\"", cumulative.ToString(CultureInfo.InvariantCulture));
            }
            Sample("http_request_duration_seconds_sum", handler, Float());
            Sample("http_request_duration_seconds_count", handler, cumulative.ToString(CultureInfo.InvariantCulture));
        }
        Family("go_gc_duration_seconds", "summary", "A summary of the pause duration of garbage collection cycles.");
        for (var g = 0; g < groups; g++)
        {
            var instance = $"pool=\"p{g}\"";
            foreach (var q in Quantiles)
            {
                Sample("go_gc_duration_seconds", $"{instance},quantile=\"{q}\"", "2.2741e-05");
            }
            Sample("go_gc_duration_seconds_sum", instance, Float());
            Sample("go_gc_duration_seconds_count", instance, "1234");
        }
        Family("node_boot_time_seconds", "gauge", "Node boot time, in unixtime.");
        Sample("node_boot_time_seconds", "", "1.700000000e+09");
        if (openMetrics)
        {
            text.Append("# EOF\n");
        }
        return (Encoding.UTF8.GetBytes(text.ToString()), series);
    }
}
