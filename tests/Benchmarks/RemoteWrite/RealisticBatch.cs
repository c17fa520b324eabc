using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Benchmarks.RemoteWrite;

/// <summary>A 2,000-sample batch shaped like a Kubernetes scrape: one sample per series, about 10 labels each.</summary>
internal static class RealisticBatch
{
    public const int Size = 2_000;

    public static Sample[] Create()
    {
        var random = new Random(7);
        string[] metrics = ["container_cpu_usage_seconds_total", "container_memory_working_set_bytes", "http_request_duration_seconds_bucket", "node_network_receive_bytes_total", "kube_pod_container_status_restarts_total"];
        string[] le = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"];
        var baseMs = 1_700_000_000_000L;
        var samples = new Sample[Size];
        for (var i = 0; i < Size; i++)
        {
            var pod = $"checkout-{random.Next(100):D3}-7d9f8b6c5d-{random.Next(100_000):x5}";
            var labels = LabelSet.From(
                ("__name__", metrics[i % metrics.Length]),
                ("cluster", "prod-eu-west-1"),
                ("container", "checkout"),
                ("instance", $"10.42.{random.Next(256)}.{random.Next(256)}:8080"),
                ("job", "kubernetes-pods"),
                ("le", le[i % le.Length]),
                ("namespace", "shop"),
                ("node", $"ip-10-0-{random.Next(256)}-{random.Next(256)}.eu-west-1.compute.internal"),
                ("pod", pod),
                ("service", "checkout"));
            samples[i] = new Sample(labels, baseMs + random.Next(15_000), Math.Round(random.NextDouble() * 1e6, 3));
        }
        return samples;
    }
}
