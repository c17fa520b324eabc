using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace AlloyOrleans.Tests.Infrastructure;

/// <summary>
/// The real <c>alloy-orleans</c> executable as a child process: started with a command line, stopped with SIGTERM
/// (graceful) or SIGKILL (a crash), its output kept for assertions and failure messages.
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SiloProcess(Process process) => _process = process;

    /// <summary>The silo build that sits beside this test build (same configuration, same target framework).</summary>
    public static string ExecutablePath
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
            // tests/AlloyOrleans.Tests/bin/<Configuration>/<tfm>/ → src/Silo/bin/<Configuration>/<tfm>/
            var tfm = testOutput.Name;
            var configuration = testOutput.Parent!.Name;
            var root = testOutput.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(root, "src", "Silo", "bin", configuration, tfm, "alloy-orleans.dll");
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => string.Join(Environment.NewLine, _output);

    public static SiloProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        start.ArgumentList.Add(ExecutablePath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) silo._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) silo._output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits for <c>/-/ready</c> to answer 200 on the given address; fails with the silo's output otherwise.</summary>
    public async Task WaitForReadyAsync(string httpAddress, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"silo exited with {_process.ExitCode} before it was ready:\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync($"http://{httpAddress}/-/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"silo was not ready on {httpAddress} within {timeout}:\n{Output}");
    }

    /// <summary>SIGTERM: the graceful stop a process manager sends.</summary>
    public void Terminate() => _ = Kill(_process.Id, 15);

    /// <summary>SIGSTOP: the process freezes (a long GC pause, a VM stall) until <see cref="Resume"/>.</summary>
    public void Freeze() => _ = Kill(_process.Id, 19);

    /// <summary>SIGCONT: a frozen process runs on, believing for a moment that nothing happened.</summary>
    public void Resume() => _ = Kill(_process.Id, 18);

    /// <summary>SIGKILL: a crash, with no chance to announce anything.</summary>
    public void Crash() => _process.Kill(entireProcessTree: true);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    /// <summary>A free TCP port on loopback.</summary>
    public static int FreePort() => TestPorts.Next();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
