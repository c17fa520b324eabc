using AlloyOrleans.Grains.Membership;
using Xunit;

namespace AlloyOrleans.Tests.Ownership;

/// <summary>A silo that cannot show it is still an active member scrapes nothing.</summary>
public sealed class MembershipFenceTests
{
    private const long Window = 2000;

    [Fact]
    public void Until_membership_confirms_the_silo_it_is_fenced_and_after_a_confirmation_it_is_not()
    {
        var fence = new MembershipFence(Window);
        Assert.True(fence.IsFenced(0));
        fence.Confirm(0);
        fence.Tick(100);
        Assert.False(fence.IsFenced(100));
    }

    [Fact]
    public void A_view_older_than_the_failure_detection_window_fences()
    {
        var fence = new MembershipFence(Window);
        fence.Confirm(0);
        for (var t = 0; t <= 2500; t += 100)
        {
            fence.Tick(t);
        }
        Assert.False(fence.IsFenced(2000));
        Assert.True(fence.IsFenced(2001));
        Assert.Equal("membership not confirmed within failure detection", fence.Reason(2500));
    }

    [Fact]
    public void After_a_stall_longer_than_the_window_only_evidence_requested_after_the_stall_lifts_the_fence()
    {
        var fence = new MembershipFence(Window);
        fence.Confirm(0);
        fence.Tick(100);
        fence.Tick(8_100); // frozen for eight seconds (SIGSTOP, a long GC pause)
        Assert.True(fence.IsFenced(8_100));
        fence.Confirm(50); // an answer to a request made before the freeze proves nothing
        Assert.True(fence.IsFenced(8_150));
        fence.Confirm(8_120);
        Assert.False(fence.IsFenced(8_150));
    }

    [Fact]
    public void Only_a_stall_sends_the_confirmation_to_the_membership_table_instead_of_a_peer()
    {
        var fence = new MembershipFence(Window);
        fence.Confirm(0);
        fence.Tick(100);
        Assert.False(fence.AwaitsStallEvidence); // quiet membership: a peer's answer is enough
        fence.Tick(8_100);
        Assert.True(fence.AwaitsStallEvidence);  // a peer's view may lag a death declared during the stall
        fence.Confirm(8_120);
        Assert.False(fence.AwaitsStallEvidence);
    }

    [Fact]
    public void A_membership_update_of_unknown_age_delivered_after_a_stall_does_not_lift_it()
    {
        var fence = new MembershipFence(Window);
        fence.Confirm(0);
        fence.Tick(100);
        fence.Tick(8_100);
        fence.Confirm(8_110, fresh: false); // an update that waited in the stream through the freeze
        Assert.True(fence.IsFenced(8_150));
        fence.Confirm(8_120);                // a table read requested after the stall
        Assert.False(fence.IsFenced(8_150));
    }

    [Fact]
    public void A_silo_declared_dead_never_scrapes_again()
    {
        var fence = new MembershipFence(Window);
        fence.Confirm(0);
        fence.Dead();
        fence.Confirm(100);
        Assert.True(fence.IsFenced(100));
        Assert.Equal("declared dead", fence.Reason(100));
    }
}
