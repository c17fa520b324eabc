namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// A standard-library function rejected its arguments (<c>encoding.from_json</c> of text that is not JSON). Unlike
/// structural errors, this can depend on values only known at run time, such as another component's exports.
/// </summary>
public sealed class FunctionCallException(SourcePosition position, string detail) : SyntaxException(position, detail);
