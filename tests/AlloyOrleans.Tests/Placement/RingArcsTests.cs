using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Silo.Http;
using Xunit;

namespace AlloyOrleans.Tests.Placement;

public class RingArcsTests
{
    [Theory]
    [InlineData(3, 1e-9)]
    [InlineData(4, 1e-9)]
    [InlineData(12, 0.01)]
    public void Arcs_cover_the_key_space_once_and_each_node_its_share(int count, double tolerance)
    {
        var nodes = ParetoFleet.Nodes(count);
        var arcs = RingArcs.Of(HashRing.Build(nodes));

        Assert.Equal(0, arcs[0].Start);
        Assert.Equal(1, arcs[^1].End, 12);
        for (var i = 1; i < arcs.Count; i++)
        {
            Assert.Equal(arcs[i - 1].End, arcs[i].Start, 12);
            Assert.NotEqual(arcs[i - 1].Node, arcs[i].Node); // neighbours of one node are merged
        }
        foreach (var (node, share) in RingShare.Of(nodes))
        {
            Assert.InRange(arcs.Where(a => a.Node == node).Sum(a => a.End - a.Start), share - tolerance, share + tolerance);
        }
        Assert.Empty(RingArcs.Of(HashRing.Empty));
    }
}
