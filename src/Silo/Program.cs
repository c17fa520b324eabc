using AlloyOrleans.Silo.Commands;

// Minimal dispatcher for the configuration commands; the host's `run` command is wired in by the silo's own entry point.
return args.FirstOrDefault() switch
{
    "fmt" => FmtCommand.Run(args[1..], Console.Out, Console.Error),
    "validate" => ValidateCommand.Run(args[1..], Console.Out, Console.Error),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: alloy-orleans <fmt|validate> ...");
    return 1;
}
