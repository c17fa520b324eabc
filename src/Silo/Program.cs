using AlloyOrleans.Silo.Commands;
using AlloyOrleans.Silo.Hosting;

// alloy-orleans: Alloy's command line (run, fmt, validate) plus the operator tools of a clustered deployment.
return args switch
{
    ["run", .. var rest] => await RunCommand.RunAsync(rest, Console.Error),
    ["fmt", .. var rest] => FmtCommand.Run(rest, Console.Out, Console.Error),
    ["validate", .. var rest] => ValidateCommand.Run(rest, Console.Out, Console.Error),
    ["cluster", "owner", .. var rest] => ClusterOwnerCommand.Run(rest, Console.Out, Console.Error),
    ["cluster", "simulate", .. var rest] => ClusterSimulateCommand.Run(rest, Console.Out, Console.Error),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: alloy-orleans <command> [flags] ...

          run [flags] CONFIG_PATH   start a silo on the configuration
          fmt [--write] FILE        print (or rewrite) the file in canonical Alloy formatting
          validate FILE             check a configuration without starting anything
          cluster owner --nodes a,b,c --target '{__address__="h:9100"}'
                                    print the node that owns a target
          cluster simulate --nodes N --targets T
                                    print each node's share and the targets moved by a join and a leave
        """);
    return 1;
}
