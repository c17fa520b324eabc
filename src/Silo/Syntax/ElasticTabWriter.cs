using System.Text;

namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// Elastic tabstops as Go's text/tabwriter computes them with Alloy's printer settings (min width 0, tab width 8,
/// padding 1, pad with spaces, discard empty columns, leading empty cells as tabs). A '\t' or '\v' ends a cell;
/// '\n' ends a line; '\f' ends a line and every column block. Cells that end on consecutive lines form a column
/// whose width is the widest cell plus one. Text between two <see cref="Escape"/> characters is never split.
/// </summary>
internal static class ElasticTabWriter
{
    public const char Escape = '\uFFFF';

    private const int TabWidth = 8;
    private const int Padding = 1;

    private readonly record struct Cell(string Text, bool HorizontalTab);

    public static string Align(string input)
    {
        var output = new StringBuilder(input.Length + input.Length / 4);
        var lines = new List<List<Cell>>();
        var line = new List<Cell>();
        var cell = new StringBuilder();
        var escaped = false;
        foreach (var ch in input)
        {
            if (ch == Escape)
            {
                escaped = !escaped;
                continue;
            }
            if (escaped)
            {
                cell.Append(ch);
                continue;
            }
            switch (ch)
            {
                case '\t' or '\v':
                    line.Add(new Cell(cell.ToString(), ch == '\t'));
                    cell.Clear();
                    break;
                case '\n' or '\f':
                    line.Add(new Cell(cell.ToString(), false));
                    cell.Clear();
                    lines.Add(line);
                    line = [];
                    if (ch == '\f')
                    {
                        Flush(output, lines, newlineAfterLast: true);
                    }
                    break;
                default:
                    cell.Append(ch);
                    break;
            }
        }
        line.Add(new Cell(cell.ToString(), false));
        lines.Add(line);
        Flush(output, lines, newlineAfterLast: false);
        return output.ToString();
    }

    private static void Flush(StringBuilder output, List<List<Cell>> lines, bool newlineAfterLast)
    {
        var widths = new List<int>();
        Format(output, lines, widths, 0, lines.Count);
        if (newlineAfterLast)
        {
            output.Append('\n');
        }
        lines.Clear();
    }

    /// <summary>Writes lines [from, to), aligning the column at index widths.Count for each block of lines that has it.</summary>
    private static void Format(StringBuilder output, List<List<Cell>> lines, List<int> widths, int from, int to)
    {
        var column = widths.Count;
        for (var current = from; current < to; current++)
        {
            if (column >= lines[current].Count - 1)
            {
                continue;
            }
            WriteLines(output, lines, widths, from, current);
            from = current;

            var width = 0;
            var discardable = true;
            for (; current < to; current++)
            {
                var line = lines[current];
                if (column >= line.Count - 1)
                {
                    break;
                }
                var cell = line[column];
                width = Math.Max(width, cell.Text.Length + Padding);
                if (cell.Text.Length > 0 || cell.HorizontalTab)
                {
                    discardable = false;
                }
            }
            widths.Add(discardable ? 0 : width);
            Format(output, lines, widths, from, current);
            widths.RemoveAt(widths.Count - 1);
            from = current;
            current--;
        }
        WriteLines(output, lines, widths, from, to);
    }

    private static void WriteLines(StringBuilder output, List<List<Cell>> lines, List<int> widths, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var useTabs = true;
            var line = lines[i];
            for (var j = 0; j < line.Count; j++)
            {
                var cell = line[j];
                if (cell.Text.Length == 0)
                {
                    if (j < widths.Count)
                    {
                        Pad(output, 0, widths[j], useTabs);
                    }
                    continue;
                }
                useTabs = false;
                output.Append(cell.Text);
                if (j < widths.Count)
                {
                    Pad(output, cell.Text.Length, widths[j], false);
                }
            }
            if (i + 1 < lines.Count)
            {
                output.Append('\n');
            }
        }
    }

    private static void Pad(StringBuilder output, int textWidth, int cellWidth, bool useTabs)
    {
        if (useTabs)
        {
            cellWidth = (cellWidth + TabWidth - 1) / TabWidth * TabWidth;
            output.Append('\t', (cellWidth - textWidth + TabWidth - 1) / TabWidth);
            return;
        }
        output.Append(' ', cellWidth - textWidth);
    }
}
