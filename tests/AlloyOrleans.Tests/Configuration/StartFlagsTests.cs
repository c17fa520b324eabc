using System.Net;
using Xunit;
using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Silo.CommandLine;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AlloyOrleans.Tests.Configuration;

/// <summary>Alloy's remaining --cluster.* flags are accepted, ours reach the silo's options, and a healthy start is not told untrue warnings.</summary>
public sealed class StartFlagsTests
{
    [Fact]
    public void Alloy_gossip_flags_are_accepted_with_a_notice_each()
    {
        var options = RunOptions.Parse([
            "--cluster.enabled", "--cluster.discover-peers=provider=k8s label_selector=\"app=alloy\"",
            "--cluster.rejoin-interval=60s", "--cluster.max-join-peers=5", "config.alloy",
        ]);

        Assert.Equal("config.alloy", options.ConfigPath);
        Assert.Collection(
            options.Notices,
            n => Assert.StartsWith("--cluster.discover-peers is not needed", n),
            n => Assert.StartsWith("--cluster.rejoin-interval is not needed", n),
            n => Assert.StartsWith("--cluster.max-join-peers is not needed", n));
    }

    [Fact]
    public void A_bad_value_for_an_accepted_flag_is_still_a_usage_error()
    {
        Assert.Throws<UsageException>(() => RunOptions.Parse(["--cluster.rejoin-interval=often", "config.alloy"]));
        Assert.Throws<UsageException>(() => RunOptions.Parse(["--cluster.max-join-peers=many", "config.alloy"]));
    }

    [Fact]
    public void Load_aware_placement_intervals_come_from_flags_into_the_silos_options()
    {
        var config = Path.GetTempFileName();
        try
        {
            var options = RunOptions.Parse([
                "--cluster.balance.poll-interval=700ms", "--cluster.balance.report-interval=3s", "--cluster.balance.rebalance-interval=20s", config,
            ]);
            var app = RunCommand.Build(options, ConfigurationLoader.Load(config));

            var polling = app.Services.GetRequiredService<IOptions<TablePollingOptions>>().Value;
            Assert.Equal(TimeSpan.FromMilliseconds(700), polling.PollInterval);
            Assert.Equal(TimeSpan.FromSeconds(3), polling.ReportInterval);
            Assert.Equal(TimeSpan.FromSeconds(20), app.Services.GetRequiredService<IOptions<PublishingOptions>>().Value.MinInterval);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public void Without_flags_the_placement_intervals_are_the_options_defaults_and_a_zero_one_is_a_usage_error()
    {
        var options = RunOptions.Parse(["config.alloy"]);
        Assert.Equal(new TablePollingOptions().PollInterval, options.BalancePollInterval);
        Assert.Equal(new TablePollingOptions().ReportInterval, options.BalanceReportInterval);
        Assert.Equal(new PublishingOptions().MinInterval, options.RebalanceInterval);

        var error = Assert.Throws<UsageException>(() => RunOptions.Parse(["--cluster.balance.rebalance-interval=0s", "config.alloy"]));
        Assert.Contains("--cluster.balance.rebalance-interval must be positive", error.Message);
        Assert.Throws<UsageException>(() => RunOptions.Parse(["--cluster.balance.poll-interval=soon", "config.alloy"]));
    }

    [Fact]
    public void Advertise_interfaces_give_the_address_of_the_first_listed_interface_that_has_one()
    {
        var options = RunOptions.Parse(["--cluster.advertise-interfaces=no-such-nic,lo", "config.alloy"]);

        Assert.Equal(["no-such-nic", "lo"], options.AdvertiseInterfaces);
        Assert.Equal(IPAddress.Loopback, SiloClustering.InterfaceAddress(options.AdvertiseInterfaces));
        var error = Assert.Throws<UsageException>(() => SiloClustering.InterfaceAddress(["no-such-nic"]));
        Assert.Contains("--cluster.advertise-address", error.Message);
    }

    [Fact]
    public void Only_warnings_this_process_knows_to_be_untrue_are_dropped()
    {
        var uptime = TimeSpan.FromSeconds(12);
        KeyValuePair<string, object?>[] Stall(TimeSpan stalled) => [new("TimeSinceLastTick", stalled), new("{OriginalFormat}", "…")];

        Assert.True(UntrueWarningFilter.IsUntrue("Orleans.Runtime.Silo", new EventId(100405), null, uptime));
        Assert.True(UntrueWarningFilter.IsUntrue("Orleans.Runtime.Watchdog", new EventId(100150), Stall(TimeSpan.FromMinutes(9)), uptime));
        // A stall shorter than the uptime may be real: it stays.
        Assert.False(UntrueWarningFilter.IsUntrue("Orleans.Runtime.Watchdog", new EventId(100150), Stall(TimeSpan.FromSeconds(3)), uptime));
        Assert.False(UntrueWarningFilter.IsUntrue("Orleans.Runtime.Silo", new EventId(100406), null, uptime));
        Assert.False(UntrueWarningFilter.IsUntrue("prometheus.remote_write.x", new EventId(100405), null, uptime));
    }
}
