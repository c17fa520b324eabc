namespace AlloyOrleans.Silo.Configuration.Modules;

/// <summary>The block names of Alloy's module system, and which import sources exist.</summary>
public static class ModuleBlocks
{
    public const string Argument = "argument";

    public const string Export = "export";

    public const string Logging = "logging";

    /// <summary>The HTTP server's settings (TLS): like <c>logging</c>, a root-only block without a label.</summary>
    public const string Http = "http";

    /// <summary>Settings blocks: allowed once, without a label, and only in the root configuration.</summary>
    public static bool IsRootSettings(string name) => name is Logging or Http;

    public const string ImportFile = "import.file";

    public const string ImportString = "import.string";

    public const string ImportHttp = "import.http";

    /// <summary>Blocks whose label names a namespace of custom components (<c>import.file "math"</c> → <c>math.add</c>).</summary>
    public static bool IsImport(string name) => name is ImportFile or ImportString or ImportHttp;
}
