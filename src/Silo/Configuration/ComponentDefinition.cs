using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>One component block of the file: its id (<c>discovery.file.pods</c>), implementation and the ids it references.</summary>
public sealed record ComponentDefinition(string Id, BlockStatement Block, ComponentRegistration Registration, IReadOnlyList<string> Dependencies);
