using System.Collections;
using System.Reflection;
using AlloyOrleans.Grains.Components;
using AlloyOrleans.Silo.Configuration.Validation;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>
/// Decodes an evaluated block into an arguments class by its <c>[Alloy]</c> and <c>[AlloyBlock]</c> properties, then
/// lets the class validate itself. Every error points at the attribute or block at fault.
/// <para>
/// Without a problem list the first error throws (<c>run</c>). With one (<c>validate</c>) every error is recorded
/// and decoding goes on; attributes a static check could not evaluate count as present, a placeholder value is
/// checked for its type only, and the class validates itself only when everything it would look at is real.
/// </para>
/// </summary>
public static class BlockDecoder
{
    public static object Decode(EvaluatedBlock block, Type argumentsType) => Decode(block, argumentsType, problems: null);

    public static object Decode(EvaluatedBlock block, Type argumentsType, ICollection<Diagnostic>? problems) =>
        Decode(block, argumentsType, problems, new HashSet<string>(StringComparer.Ordinal));

    /// <param name="notReal">Collects the attributes (nested blocks' included) whose values are not real, so an
    /// enclosing block's validation about them is dropped too.</param>
    private static object Decode(EvaluatedBlock block, Type argumentsType, ICollection<Diagnostic>? problems, HashSet<string> notReal)
    {
        var instance = Activator.CreateInstance(argumentsType)
            ?? throw new InvalidOperationException($"{argumentsType.FullName} needs a public parameterless constructor");
        var attributes = ClrTypeShape.AlloyProperties(argumentsType).ToDictionary(p => p.Attribute.Name, StringComparer.Ordinal);
        var blocks = ClrTypeShape.BlockProperties(argumentsType).ToDictionary(p => p.Attribute.Name, StringComparer.Ordinal);
        var seen = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        var problemsBefore = problems?.Count ?? 0;

        void Fail(SourcePosition position, string message)
        {
            if (problems is null)
            {
                throw new ConfigurationException(position, message);
            }
            problems.Add(new Diagnostic(position, message));
        }

        foreach (var attribute in block.Attributes)
        {
            var name = attribute.Syntax.Name.Name;
            var position = attribute.Syntax.Name.Position;
            if (!attributes.TryGetValue(name, out var target))
            {
                Fail(position, blocks.ContainsKey(name)
                    ? $"\"{name}\" is a block, not an attribute"
                    : $"unrecognized attribute name \"{name}\"");
                continue;
            }
            if (!seen.TryAdd(name, position))
            {
                Fail(position, $"attribute \"{name}\" may only be set once (first set at {seen[name]})");
                continue;
            }
            if (attribute.Evaluation != AttributeEvaluation.Evaluated)
            {
                notReal.Add(name);
                if (attribute.Evaluation == AttributeEvaluation.Unevaluated)
                {
                    continue;
                }
            }
            object? value;
            try
            {
                value = ValueDecoder.Decode(attribute.Value, target.Property.PropertyType);
            }
            catch (ValueException e)
            {
                // A placeholder has the right type but not the real value: only a type mismatch is the file's fault.
                if (attribute.Evaluation == AttributeEvaluation.Evaluated || e.IsTypeMismatch)
                {
                    Fail(attribute.Syntax.Value.Start, $"\"{name}\": {e.Message}");
                }
                continue;
            }
            if (value is not null || !target.Property.PropertyType.IsValueType)
            {
                target.Property.SetValue(instance, value);
            }
        }

        var repeated = new Dictionary<string, IList>(StringComparer.Ordinal);
        foreach (var nested in block.Blocks)
        {
            var name = nested.Syntax.FullName;
            var position = nested.Syntax.NamePosition;
            if (!blocks.TryGetValue(name, out var target))
            {
                Fail(position, attributes.ContainsKey(name)
                    ? $"\"{name}\" is an attribute, not a block"
                    : $"unrecognized block name \"{name}\"");
                continue;
            }
            var elementType = ClrTypeShape.ListElement(target.Property.PropertyType);
            var labelProperty = (elementType ?? target.Property.PropertyType).GetProperties()
                .FirstOrDefault(p => p.GetCustomAttribute<AlloyBlockLabelAttribute>() is not null);
            if (nested.Syntax.Label is not null && labelProperty is null)
            {
                Fail(nested.Syntax.LabelPosition, $"block \"{name}\" does not take a label");
                continue;
            }
            if (nested.Syntax.Label is null && labelProperty is not null)
            {
                Fail(position, $"block \"{name}\" requires a label");
                continue;
            }
            if (elementType is null)
            {
                if (!seen.TryAdd(name, position))
                {
                    Fail(position, $"block \"{name}\" may only be specified once (first at {seen[name]})");
                    continue;
                }
                target.Property.SetValue(instance, WithLabel(Decode(nested, target.Property.PropertyType, problems, notReal), labelProperty, nested));
                continue;
            }
            if (!repeated.TryGetValue(name, out var list))
            {
                list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
                repeated[name] = list;
                seen.TryAdd(name, position);
            }
            list.Add(WithLabel(Decode(nested, elementType, problems, notReal), labelProperty, nested));
        }
        foreach (var (name, list) in repeated)
        {
            blocks[name].Property.SetValue(instance, list);
        }

        foreach (var (name, (_, attribute)) in attributes)
        {
            if (attribute.Required && !seen.ContainsKey(name))
            {
                Fail(block.Syntax.NamePosition, $"missing required attribute \"{name}\"");
            }
        }

        if (instance is IValidatableArguments validatable && (problems?.Count ?? 0) == problemsBefore)
        {
            try
            {
                validatable.Validate();
            }
            catch (ComponentArgumentException e) when (notReal.Contains(e.AttributeName))
            {
                // About a value a static check does not know: the run-time check decides.
            }
            catch (ComponentArgumentException e)
            {
                Fail(seen.TryGetValue(e.AttributeName, out var position) ? position : block.Syntax.NamePosition, $"\"{e.AttributeName}\": {e.Message}");
            }
        }
        return instance;
    }

    private static object WithLabel(object decoded, PropertyInfo? labelProperty, EvaluatedBlock block)
    {
        labelProperty?.SetValue(decoded, block.Syntax.Label);
        return decoded;
    }
}
