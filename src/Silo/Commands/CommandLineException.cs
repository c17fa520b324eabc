namespace AlloyOrleans.Silo.Commands;

/// <summary>Bad command-line input: the message is shown to the operator and the command exits with code 1.</summary>
public sealed class CommandLineException(string message) : Exception(message);
