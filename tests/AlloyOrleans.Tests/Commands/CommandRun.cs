namespace AlloyOrleans.Tests.Commands;

/// <summary>What an operator command printed and returned.</summary>
public sealed record CommandRun(int ExitCode, string Output, string Error)
{
    public static CommandRun Of(Func<IReadOnlyList<string>, TextWriter, TextWriter, int> command, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = command(args, output, error);
        return new CommandRun(exitCode, output.ToString(), error.ToString());
    }
}
