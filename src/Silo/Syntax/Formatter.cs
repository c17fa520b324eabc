using System.Text;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// Canonical Alloy formatting, as <c>alloy fmt</c> prints it: tab indentation; the <c>=</c> of consecutive
/// one-line attributes (and object fields) aligned; trailing comments aligned; a blank line between blocks; at most
/// one blank line kept from the source; line breaks inside arrays, objects and calls kept where the source had
/// them, with trailing commas added before a closing bracket on its own line. Comments are kept.
/// </summary>
public static class Formatter
{
    public static string Format(string file, string source) => Format(Parser.ParseFile(file, source));

    public static string Format(AlloyFile file)
    {
        var printer = new FormatPrinter(file.Comments);
        WalkStatements(printer, file.Body);
        var aligned = ElasticTabWriter.Align(printer.Finish());
        return TrimLines(aligned) + "\n";
    }

    private static void WalkStatements(FormatPrinter p, IReadOnlyList<Statement> statements)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            var spaced = false;
            if (i > 0 && statement is BlockStatement)
            {
                p.Hint(FormatPrinter.Layout.FormFeed);
                spaced = true;
            }
            if (i > 0 && !spaced && statement.Start.Line - statements[i - 1].EndLine > 1)
            {
                p.Hint(FormatPrinter.Layout.FormFeed);
            }

            if (statement is AttributeStatement attribute)
            {
                p.At(attribute.Name.Position);
                p.Text(attribute.Name.Name);
                p.Hint(FormatPrinter.Layout.VerticalTab);
                p.Text("=");
                p.Hint(FormatPrinter.Layout.Blank);
                WalkExpression(p, attribute.Value);
            }
            else
            {
                WalkBlock(p, (BlockStatement)statement);
            }

            // A statement over several lines ends a run of aligned rows.
            p.Hint(statement.EndLine > statement.Start.Line ? FormatPrinter.Layout.FormFeed : FormatPrinter.Layout.Newline);
        }
    }

    private static void WalkBlock(FormatPrinter p, BlockStatement block)
    {
        p.At(block.NamePosition);
        p.Text(block.FullName);
        if (block.Label is not null)
        {
            p.Hint(FormatPrinter.Layout.Blank);
            p.At(block.LabelPosition);
            p.Text(StringLiteral.Quote(block.Label));
        }
        p.Hint(FormatPrinter.Layout.Blank);
        p.At(block.LeftCurly);
        p.Text("{");
        p.Hint(FormatPrinter.Layout.Indent);
        if (block.Body.Count > 0)
        {
            p.Hint(FormatPrinter.Layout.FormFeed);
            WalkStatements(p, block.Body);
        }
        else
        {
            p.Hint(FormatPrinter.Layout.Blank);
        }
        p.Hint(FormatPrinter.Layout.Unindent);
        p.At(block.RightCurly);
        p.Text("}");
    }

    private static void WalkExpression(FormatPrinter p, Expression expression)
    {
        switch (expression)
        {
            case LiteralExpression literal:
                p.At(literal.Position);
                p.Text(literal.Text);
                break;
            case IdentifierExpression identifier:
                p.At(identifier.Identifier.Position);
                p.Text(identifier.Identifier.Name);
                break;
            case AccessExpression access:
                WalkExpression(p, access.Value);
                p.Text(".");
                p.Text(access.Name.Name);
                break;
            case IndexExpression index:
                WalkExpression(p, index.Value);
                p.At(index.LeftBracket);
                p.Text("[");
                WalkExpression(p, index.Index);
                p.At(index.RightBracket);
                p.Text("]");
                break;
            case CallExpression call:
                WalkCall(p, call);
                break;
            case UnaryExpression unary:
                p.At(unary.OperatorPosition);
                p.Text(unary.Operator.Symbol());
                WalkExpression(p, unary.Value);
                break;
            case BinaryExpression binary:
                WalkExpression(p, binary.Left);
                p.Hint(FormatPrinter.Layout.Blank);
                p.At(binary.OperatorPosition);
                p.Text(binary.Operator.Symbol());
                p.Hint(FormatPrinter.Layout.Blank);
                WalkExpression(p, binary.Right);
                break;
            case ParenExpression paren:
                p.Text("(");
                WalkExpression(p, paren.Inner);
                p.Text(")");
                break;
            case ArrayExpression array:
                WalkArray(p, array);
                break;
            case ObjectExpression obj:
                WalkObject(p, obj);
                break;
        }
    }

    private static void WalkArray(FormatPrinter p, ArrayExpression array)
    {
        p.At(array.LeftBracket);
        p.Text("[");
        var previousLine = array.LeftBracket.Line;
        for (var i = 0; i < array.Elements.Count; i++)
        {
            var element = array.Elements[i];
            var newline = previousLine != element.Start.Line;
            if (newline)
            {
                // Indent before the line break so comments written before the element are indented too.
                p.Hint(FormatPrinter.Layout.Indent);
                p.Hint(FormatPrinter.Layout.FormFeed);
            }
            else if (i > 0)
            {
                p.Hint(FormatPrinter.Layout.Blank);
            }
            previousLine = element.EndLine;
            WalkExpression(p, element);
            if (i + 1 < array.Elements.Count)
            {
                p.Text(",");
            }
            if (newline)
            {
                p.Hint(FormatPrinter.Layout.Unindent);
            }
        }
        if (array.Elements.Count > 0 && previousLine != array.RightBracket.Line)
        {
            p.Text(",");
            p.Hint(FormatPrinter.Layout.Indent);
            p.Hint(FormatPrinter.Layout.FormFeed);
            p.Hint(FormatPrinter.Layout.Unindent);
        }
        p.At(array.RightBracket);
        p.Text("]");
    }

    private static void WalkObject(FormatPrinter p, ObjectExpression obj)
    {
        p.At(obj.LeftCurly);
        p.Text("{");
        p.Hint(FormatPrinter.Layout.Indent);
        var previousLine = obj.LeftCurly.Line;
        for (var i = 0; i < obj.Fields.Count; i++)
        {
            var field = obj.Fields[i];
            if (previousLine != field.Name.Position.Line)
            {
                // Fields after a one-line field stay in its run, so their '=' line up.
                var previousValue = i > 0 ? obj.Fields[i - 1].Value : null;
                p.Hint(previousValue is not null && previousValue.EndLine == previousValue.Start.Line
                    ? FormatPrinter.Layout.Newline
                    : FormatPrinter.Layout.FormFeed);
            }
            else if (i > 0)
            {
                p.Hint(FormatPrinter.Layout.Blank);
            }
            previousLine = field.Name.Position.Line;
            p.At(field.Name.Position);
            p.Text(field.Quoted ? StringLiteral.Quote(field.Name.Name) : field.Name.Name);
            p.Hint(FormatPrinter.Layout.VerticalTab);
            p.Text("=");
            p.Hint(FormatPrinter.Layout.Blank);
            WalkExpression(p, field.Value);
            if (i + 1 < obj.Fields.Count)
            {
                p.Text(",");
            }
        }
        if (obj.Fields.Count > 0 && previousLine != obj.RightCurly.Line)
        {
            p.Text(",");
            p.Hint(FormatPrinter.Layout.FormFeed);
        }
        p.Hint(FormatPrinter.Layout.Unindent);
        p.At(obj.RightCurly);
        p.Text("}");
    }

    private static void WalkCall(FormatPrinter p, CallExpression call)
    {
        WalkExpression(p, call.Function);
        p.Text("(");
        var previousLine = call.LeftParen.Line;
        for (var i = 0; i < call.Arguments.Count; i++)
        {
            var argument = call.Arguments[i];
            var newline = previousLine != argument.Start.Line;
            if (newline)
            {
                p.Hint(FormatPrinter.Layout.FormFeed);
                p.Hint(FormatPrinter.Layout.Indent);
            }
            WalkExpression(p, argument);
            previousLine = argument.EndLine;
            if (i + 1 < call.Arguments.Count)
            {
                p.Text(",");
                p.Hint(FormatPrinter.Layout.Blank);
            }
            if (newline)
            {
                p.Hint(FormatPrinter.Layout.Unindent);
            }
        }
        if (previousLine != call.RightParen.Line)
        {
            p.Text(",");
            p.Hint(FormatPrinter.Layout.FormFeed);
        }
        p.Text(")");
    }

    /// <summary>Drops trailing blanks and tabs on every line and at the end.</summary>
    private static string TrimLines(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var line in text.Split('\n'))
        {
            builder.Append(line.AsSpan().TrimEnd(" \t")).Append('\n');
        }
        return builder.ToString().TrimEnd('\n', ' ', '\t');
    }
}
