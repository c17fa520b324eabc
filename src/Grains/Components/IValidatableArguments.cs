namespace AlloyOrleans.Grains.Components;

/// <summary>
/// Arguments that check themselves after decoding. Throw <see cref="ComponentArgumentException"/> naming the attribute,
/// so the loader can point at its position in the file.
/// </summary>
public interface IValidatableArguments
{
    void Validate();
}
