using System.Collections;
using System.Reflection;
using AlloyOrleans.Grains.Components;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>
/// Decodes an evaluated block into an arguments class by its <c>[Alloy]</c> and <c>[AlloyBlock]</c> properties, then
/// lets the class validate itself. Every error points at the attribute or block at fault.
/// </summary>
public static class BlockDecoder
{
    public static object Decode(EvaluatedBlock block, Type argumentsType)
    {
        var instance = Activator.CreateInstance(argumentsType)
            ?? throw new InvalidOperationException($"{argumentsType.FullName} needs a public parameterless constructor");
        var attributes = ClrTypeShape.AlloyProperties(argumentsType).ToDictionary(p => p.Attribute.Name, StringComparer.Ordinal);
        var blocks = ClrTypeShape.BlockProperties(argumentsType).ToDictionary(p => p.Attribute.Name, StringComparer.Ordinal);
        var seen = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);

        foreach (var attribute in block.Attributes)
        {
            var name = attribute.Syntax.Name.Name;
            var position = attribute.Syntax.Name.Position;
            if (!attributes.TryGetValue(name, out var target))
            {
                throw new ConfigurationException(position, blocks.ContainsKey(name)
                    ? $"\"{name}\" is a block, not an attribute"
                    : $"unrecognized attribute name \"{name}\"");
            }
            if (!seen.TryAdd(name, position))
            {
                throw new ConfigurationException(position, $"attribute \"{name}\" may only be set once (first set at {seen[name]})");
            }
            object? value;
            try
            {
                value = ValueDecoder.Decode(attribute.Value, target.Property.PropertyType);
            }
            catch (ValueException e)
            {
                throw new ConfigurationException(attribute.Syntax.Value.Start, $"\"{name}\": {e.Message}");
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
                throw new ConfigurationException(position, attributes.ContainsKey(name)
                    ? $"\"{name}\" is an attribute, not a block"
                    : $"unrecognized block name \"{name}\"");
            }
            var elementType = ClrTypeShape.ListElement(target.Property.PropertyType);
            var labelProperty = (elementType ?? target.Property.PropertyType).GetProperties()
                .FirstOrDefault(p => p.GetCustomAttribute<AlloyBlockLabelAttribute>() is not null);
            if (nested.Syntax.Label is not null && labelProperty is null)
            {
                throw new ConfigurationException(nested.Syntax.LabelPosition, $"block \"{name}\" does not take a label");
            }
            if (nested.Syntax.Label is null && labelProperty is not null)
            {
                throw new ConfigurationException(position, $"block \"{name}\" requires a label");
            }
            if (elementType is null)
            {
                if (!seen.TryAdd(name, position))
                {
                    throw new ConfigurationException(position, $"block \"{name}\" may only be specified once (first at {seen[name]})");
                }
                target.Property.SetValue(instance, WithLabel(Decode(nested, target.Property.PropertyType), labelProperty, nested));
                continue;
            }
            if (!repeated.TryGetValue(name, out var list))
            {
                list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
                repeated[name] = list;
                seen.TryAdd(name, position);
            }
            list.Add(WithLabel(Decode(nested, elementType), labelProperty, nested));
        }
        foreach (var (name, list) in repeated)
        {
            blocks[name].Property.SetValue(instance, list);
        }

        foreach (var (name, (_, attribute)) in attributes)
        {
            if (attribute.Required && !seen.ContainsKey(name))
            {
                throw new ConfigurationException(block.Syntax.NamePosition, $"missing required attribute \"{name}\"");
            }
        }

        if (instance is IValidatableArguments validatable)
        {
            try
            {
                validatable.Validate();
            }
            catch (ComponentArgumentException e)
            {
                var at = seen.TryGetValue(e.AttributeName, out var position) ? position : block.Syntax.NamePosition;
                throw new ConfigurationException(at, $"\"{e.AttributeName}\": {e.Message}");
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
