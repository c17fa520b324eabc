using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Commands;

/// <summary>
/// <c>alloy-orleans fmt [--write] FILE</c>: prints the file in canonical Alloy formatting, or rewrites it in place
/// with <c>--write</c>. A syntax error prints <c>file:line:column: message</c> and exits 1.
/// </summary>
public static class FmtCommand
{
    public const string Usage = "usage: alloy-orleans fmt [--write] FILE";

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var write = false;
        string? path = null;
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--write" or "-w":
                    write = true;
                    break;
                case var flag when flag.StartsWith('-') && flag != "-":
                    error.WriteLine($"unknown flag {flag}");
                    error.WriteLine(Usage);
                    return 1;
                default:
                    if (path is not null)
                    {
                        error.WriteLine(Usage);
                        return 1;
                    }
                    path = arg;
                    break;
            }
        }
        if (path is null)
        {
            error.WriteLine(Usage);
            return 1;
        }
        if (write && path == "-")
        {
            error.WriteLine("cannot use --write with standard input");
            return 1;
        }

        string source;
        try
        {
            source = path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{path}: {e.Message}");
            return 1;
        }

        string formatted;
        try
        {
            formatted = Formatter.Format(path, source);
        }
        catch (SyntaxException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }

        if (write)
        {
            if (formatted != source)
            {
                File.WriteAllText(path, formatted);
            }
            return 0;
        }
        output.Write(formatted);
        return 0;
    }
}
