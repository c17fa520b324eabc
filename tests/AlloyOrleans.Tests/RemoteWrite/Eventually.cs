using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>Waits for a condition that asynchronous sending will make true.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(25);
        }
    }
}
