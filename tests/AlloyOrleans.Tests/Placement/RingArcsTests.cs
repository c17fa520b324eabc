using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Silo.Http;
using Xunit;

namespace AlloyOrleans.Tests.Placement;

public class RingArcsTests
{
    [Fact]
    public void Arcs_cover_the_key_space_once_and_each_node_about_its_share()
    {
        var nodes = ParetoFleet.Nodes(5);
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
            Assert.InRange(arcs.Where(a => a.Node == node).Sum(a => a.End - a.Start), share - 0.03, share + 0.03);
        }
        Assert.Empty(RingArcs.Of(HashRing.Empty));
    }
}
