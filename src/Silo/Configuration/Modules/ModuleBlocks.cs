namespace AlloyOrleans.Silo.Configuration.Modules;

/// <summary>The block names of Alloy's module system, and which import sources exist.</summary>
public static class ModuleBlocks
{
    public const string Argument = "argument";

    public const string Export = "export";

    public const string Logging = "logging";

    public const string ImportFile = "import.file";

    public const string ImportString = "import.string";

    public const string ImportHttp = "import.http";

    /// <summary>Blocks whose label names a namespace of custom components (<c>import.file "math"</c> → <c>math.add</c>).</summary>
    public static bool IsImport(string name) => name is ImportFile or ImportString or ImportHttp;
}
