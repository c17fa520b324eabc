namespace AlloyOrleans.Silo.CommandLine;

/// <summary>A bad command line: the message is printed and the process exits 1 without starting anything.</summary>
public sealed class UsageException(string message) : Exception(message);
