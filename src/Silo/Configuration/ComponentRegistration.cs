namespace AlloyOrleans.Silo.Configuration;

/// <summary>A component implementation found by its <c>[AlloyComponent]</c> attribute.</summary>
public sealed record ComponentRegistration(string Name, Type ComponentType, Type ArgumentsType, Type? ExportsType);
