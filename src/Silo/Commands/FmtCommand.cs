using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Commands;

/// <summary>
/// <c>alloy-orleans fmt [-w|--write] [-t|--test] [FILE]</c>, as <c>alloy fmt</c>: prints the file in canonical Alloy
/// formatting; <c>--write</c> rewrites it in place (only when it changes); <c>--test</c> exits 1 when it is not
/// formatted. No file or <c>-</c> reads standard input. A syntax error prints <c>file:line:column: message</c> and
/// exits 1.
/// </summary>
public static class FmtCommand
{
    public const string Usage = "usage: alloy-orleans fmt [--write|--test] [FILE]";

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error) => Run(args, Console.In, output, error);

    public static int Run(IReadOnlyList<string> args, TextReader input, TextWriter output, TextWriter error)
    {
        bool write = false, test = false;
        string? path = null;
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--write" or "-w":
                    write = true;
                    break;
                case "--test" or "-t":
                    test = true;
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
        path ??= "-";
        var fromStandardInput = path == "-";
        if (write && test)
        {
            error.WriteLine("cannot use -w/--write and -t/--test at the same time");
            return 1;
        }
        if (write && fromStandardInput)
        {
            error.WriteLine("cannot use -w with standard input");
            return 1;
        }

        var name = fromStandardInput ? "<stdin>" : path;
        string source;
        try
        {
            source = fromStandardInput ? input.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{path}: {e.Message}");
            return 1;
        }

        string formatted;
        try
        {
            formatted = Formatter.Format(name, source);
        }
        catch (SyntaxException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }

        if (test)
        {
            if (formatted == source)
            {
                return 0;
            }
            error.WriteLine($"file {name} is not formatted correctly");
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
