using AlloyOrleans.Silo.Configuration.Modules;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>One node of a module's graph (<c>discovery.file.pods</c>, <c>argument.targets</c>, a custom component) and the ids it depends on.</summary>
public sealed record ComponentDefinition(ModuleNode Node, IReadOnlyList<string> Dependencies)
{
    public string Id => Node.Id;

    public BlockStatement Block => Node.Block;

    /// <summary>The implementation of a built-in component or import (null for the module system's own nodes).</summary>
    public ComponentRegistration? Registration => Node.Registration;
}
