using AlloyOrleans.Silo.Commands;

// Placeholder entry point so the operator commands can run before the silo host lands; the lead replaces it.
return args switch
{
    ["cluster", "owner", ..] => ClusterOwnerCommand.Run(args[2..], Console.Out, Console.Error),
    ["cluster", "simulate", ..] => ClusterSimulateCommand.Run(args[2..], Console.Out, Console.Error),
    _ => Fail(),
};

static int Fail()
{
    Console.Error.WriteLine("usage: alloy-orleans cluster owner|simulate ...");
    return 1;
}
