namespace AlloyOrleans.Silo.Syntax;

/// <summary>A callable standard-library function. It throws <see cref="ValueException"/> for bad arguments.</summary>
public delegate AlloyValue AlloyFunction(IReadOnlyList<AlloyValue> arguments);
