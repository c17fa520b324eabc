using System.Collections.Concurrent;
using System.Reflection;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Tests.Cluster;

/// <summary>
/// Cuts chosen TestCluster silos off from the weights-table grains: the silo's <c>PlacementTables</c> gets a grain
/// factory whose <see cref="ITargetWeightsGrain"/> references fail every call, as a partition or an overloaded grain
/// silo would make them; every other grain call goes through. Silos are named by cluster id and silo name.
/// </summary>
public static class WeightsGrainCut
{
    private static readonly ConcurrentDictionary<(string Cluster, string Silo), bool> Cut = new();

    public static void Set(string clusterId, string silo, bool cut) => Cut[(clusterId, silo)] = cut;

    public static IGrainFactory Wrap(IGrainFactory inner, string clusterId, string silo)
    {
        var proxy = DispatchProxy.Create<IGrainFactory, CuttableFactory>();
        ((CuttableFactory)(object)proxy).Init(inner, () => Cut.GetValueOrDefault((clusterId, silo)));
        return proxy;
    }

    public class CuttableFactory : DispatchProxy
    {
        private IGrainFactory _inner = null!;
        private Func<bool> _isCut = () => false;

        internal void Init(IGrainFactory inner, Func<bool> isCut) => (_inner, _isCut) = (inner, isCut);

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && method.GetGenericArguments()[0] == typeof(ITargetWeightsGrain) && _isCut())
            {
                return DispatchProxy.Create<ITargetWeightsGrain, Unreachable>();
            }
            try
            {
                return method!.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }
    }

    public class Unreachable : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            var error = new TimeoutException("the weights-table grain is cut off from this silo (test)");
            return method!.ReturnType.IsGenericType
                ? typeof(Task).GetMethod(nameof(Task.FromException), 1, [typeof(Exception)])!.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]).Invoke(null, [error])
                : Task.FromException(error);
        }
    }
}
