using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Grains.Ring;
using Xunit;

namespace AlloyOrleans.Tests.Pyroscope;

public sealed class ProfileTargetLabelsTests
{
    private static readonly ProfileTargetSpec[] Specs = [new("process_cpu", "/debug/pprof/profile", true), new("memory", "/debug/pprof/allocs", false)];

    [Fact]
    public void Each_profile_type_is_its_own_target_with_its_own_ring_key()
    {
        var expanded = ProfileTargetLabels.Expand(LabelSet.From(("__address__", "h:6060")), Specs, "", "http", 14, false).ToList();
        Assert.Equal(["process_cpu", "memory"], expanded.Select(l => l.Get("__name__")));
        Assert.NotEqual(TargetKey.Compute(expanded[0]), TargetKey.Compute(expanded[1]));
        Assert.Equal("14", expanded[0].Get("__param_seconds"));
        Assert.False(expanded[1].Contains("__param_seconds"));
        Assert.Equal("/debug/pprof/allocs", expanded[1].Get("__profile_path__"));
    }

    [Fact]
    public void Discovered_profile_labels_win_and_the_prefix_joins_the_path()
    {
        var discovered = LabelSet.From(("__address__", "h"), ("__profile_path__", "/custom"), ("__profile_path_prefix__", "/mimir/"));
        var cpu = ProfileTargetLabels.Expand(discovered, Specs[..1], "/ignored", "https", 14, false).Single();
        Assert.Equal("/mimir/custom", cpu.Get("__metrics_path__"));
        Assert.Equal("h:443", cpu.Get("__address__"));
    }

    [Fact]
    public void A_seconds_param_of_the_job_is_not_overridden()
    {
        var cpu = ProfileTargetLabels.Expand(LabelSet.From(("__address__", "h:1")), Specs[..1], "", "http", 14, paramsHaveSeconds: true).Single();
        Assert.False(cpu.Contains("__param_seconds"));
    }

    [Theory]
    [InlineData("__meta_kubernetes_pod_annotation_pyroscope_io_service_name=annotated,__meta_kubernetes_namespace=ns,__meta_kubernetes_pod_container_name=c", "annotated")]
    [InlineData("__meta_kubernetes_namespace=ns,__meta_kubernetes_pod_container_name=c,__meta_docker_container_name=d", "ns/c")]
    [InlineData("__meta_kubernetes_namespace=ns,__meta_docker_container_name=d", "d")]
    [InlineData("__meta_dockerswarm_container_label_service_name=s1,__meta_dockerswarm_service_name=s2", "s1")]
    [InlineData("__meta_dockerswarm_service_name=s2", "s2")]
    [InlineData("other=x", "unspecified")]
    public void Service_name_is_inferred_in_alloys_order(string labels, string expected)
    {
        var set = LabelSet.From(labels.Split(',').Select(p => p.Split('=')).Select(p => new Label(p[0], p[1])));
        Assert.Equal(expected, ProfileTargetLabels.InferServiceName(set));
    }

    [Fact]
    public void Godeltaprof_types_are_pushed_under_the_profile_they_stand_for()
    {
        var discovered = LabelSet.From(("__address__", "h:1"), ("__name__", "godeltaprof_memory"), ("service_name", "mine"));
        var pushed = ProfileTargetLabels.ForPush(discovered, LabelSet.From(("job", "j"), ("service_name", "mine")), alreadyDelta: true);
        Assert.Equal([new("__delta__", "false"), new("__name__", "memory"), new("job", "j"), new("service_name", "mine")], pushed.ToArray());
    }
}
