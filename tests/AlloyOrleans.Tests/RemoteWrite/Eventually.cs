using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>Waits for a condition that asynchronous sending will make true.</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        TrueAsync(condition, what, () => "", timeout);

    /// <param name="explain">What to add to the failure message (read when the time is up), such as a log.</param>
    public static async Task TrueAsync(Func<bool> condition, string what, Func<string> explain, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what} {explain()}");
            await Task.Delay(25);
        }
    }
}
