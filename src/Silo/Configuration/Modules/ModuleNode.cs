using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration.Modules;

public enum ModuleNodeKind
{
    /// <summary>A built-in component (<c>prometheus.scrape "default"</c>).</summary>
    Component,

    /// <summary>A use of a custom component declared in this module or an enclosing one.</summary>
    CustomComponent,

    /// <summary>A use of a custom component from an import namespace (<c>math.add "x"</c> after <c>import.file "math"</c>).</summary>
    ImportedComponent,

    /// <summary>An <c>import.*</c> block: a component whose label names a namespace.</summary>
    Import,

    Argument,

    Export,
}

/// <summary>
/// One block of a module body that takes part in the graph, with its id (<c>discovery.file.pods</c>,
/// <c>argument.targets</c>, <c>export.out</c>). <see cref="Registration"/> is set for built-in components and imports,
/// <see cref="Declaration"/> for custom components, <see cref="Namespace"/> for imports and imported components.
/// </summary>
public sealed record ModuleNode(
    string Id,
    BlockStatement Block,
    ModuleNodeKind Kind,
    ComponentRegistration? Registration = null,
    Declaration? Declaration = null,
    string? Namespace = null)
{
    /// <summary>Only these nodes can be referenced from expressions (exports of components, arguments' values).</summary>
    public bool Referencable => Kind is not (ModuleNodeKind.Import or ModuleNodeKind.Export);

    /// <summary>The fields a reference may read, or null when they are known only at run time.</summary>
    public IReadOnlySet<string>? ExportFields => Kind switch
    {
        ModuleNodeKind.Component => ClrTypeShape.AlloyProperties(Registration!.ExportsType ?? typeof(object)).Select(p => p.Attribute.Name).ToHashSet(StringComparer.Ordinal),
        ModuleNodeKind.CustomComponent => Declaration!.Exports,
        ModuleNodeKind.Argument => new HashSet<string>(StringComparer.Ordinal) { "value" },
        _ => null,
    };
}
