using System.Text;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// The output side of <see cref="Formatter"/>: takes text and layout hints (blank, vertical tab, newline, form feed,
/// indent, unindent), places the file's comments where they appeared relative to the code, and produces text for
/// <see cref="ElasticTabWriter"/>. Layout hints are buffered and written only before the next text, so nothing
/// trails at the end of the file, and comments can replace the pending line breaks with their own.
/// </summary>
internal sealed class FormatPrinter
{
    public enum Layout : byte
    {
        Ignore = 0,
        Blank = (byte)' ',
        VerticalTab = (byte)'\v',
        Newline = (byte)'\n',
        FormFeed = (byte)'\f',
        Indent = (byte)'>',
        Unindent = (byte)'<',
    }

    /// <summary>A position in source space; Line 0 means unknown.</summary>
    private record struct Pos(int Line, int Column)
    {
        public readonly bool Valid => Line > 0;

        public static Pos From(SourcePosition p) => new(p.Line, p.Column);

        public readonly bool AtOrBefore(Pos other) => Line < other.Line || (Line == other.Line && Column <= other.Column);
    }

    private static readonly Pos EndOfFile = new(int.MaxValue, int.MaxValue);

    private readonly StringBuilder _output = new();
    private readonly List<Layout> _layout = [];
    private readonly IReadOnlyList<CommentGroup> _comments;
    private int _nextGroup;
    private CommentGroup? _group;
    private Pos _groupStart;
    private int _indent;

    // _pos estimates where we are in the source; _last is where the last text ended; _column is the output column.
    private Pos _pos = new(1, 1);
    private Pos _last;
    private int _column = 1;

    public FormatPrinter(IReadOnlyList<CommentGroup> comments)
    {
        _comments = comments;
        NextComment();
    }

    public void Hint(Layout layout) => _layout.Add(layout);

    public void At(SourcePosition position) => _pos = Pos.From(position);

    public void Text(string text)
    {
        var next = _pos;
        Flush(next, endOfFile: false);
        WriteString(next, text, literal: false);
    }

    /// <summary>Writes the comments left after the last token; the pending layout is dropped.</summary>
    public string Finish()
    {
        Flush(EndOfFile, endOfFile: true);
        return _output.ToString();
    }

    private void NextComment()
    {
        while (_nextGroup < _comments.Count)
        {
            var group = _comments[_nextGroup++];
            if (group.Comments.Count > 0)
            {
                _group = group;
                _groupStart = Pos.From(group.Comments[0].Start);
                return;
            }
        }
        _group = null;
    }

    private bool CommentBefore(Pos next) => _group is not null && _groupStart.AtOrBefore(next);

    private void Flush(Pos next, bool endOfFile)
    {
        if (CommentBefore(next))
        {
            Token? lastComment = null;
            while (CommentBefore(next))
            {
                foreach (var comment in _group!.Comments)
                {
                    WriteCommentPrefix(next, comment);
                    WriteString(Pos.From(comment.Start), comment.Text, literal: true);
                    lastComment = comment;
                }
                NextComment();
            }
            WriteCommentSuffix(next, endOfFile, lastComment!.Value);
        }
        else if (!endOfFile)
        {
            WriteLayout(_layout.Count);
        }
    }

    private void WriteCommentPrefix(Pos next, Token comment)
    {
        if (_output.Length == 0)
        {
            return;
        }
        var start = Pos.From(comment.Start);
        if (start.Line == _last.Line)
        {
            // A comment after code on the same line: a tab lines trailing comments up in a column; a block comment
            // followed by more code on the line gets a plain space.
            WriteByte(start.Line == next.Line ? ' ' : '\t', 1);
            return;
        }

        // Keep pending indentation changes up to the first real layout hint, which the comment's own line breaks replace.
        var count = 0;
        for (var i = 0; i < _layout.Count; i++)
        {
            if (_layout[i] is Layout.Indent or Layout.Unindent)
            {
                continue;
            }
            _layout[i] = Layout.Ignore;
            count = i;
            break;
        }
        WriteLayout(count);

        var newlines = start.Valid && _last.Valid ? start.Line - _last.Line : 0;
        if (newlines > 0)
        {
            WriteByte('\f', Math.Min(newlines, 2));
        }
    }

    private void WriteCommentSuffix(Pos next, bool endOfFile, Token lastComment)
    {
        if (endOfFile)
        {
            return;
        }
        if (lastComment.Text[1] == '*' && next.Line == lastComment.EndLine)
        {
            WriteByte(' ', 1);
        }
        var newlines = next.Line - _last.Line;
        var droppedFormFeed = false;
        for (var i = 0; i < _layout.Count; i++)
        {
            switch (_layout[i])
            {
                case Layout.Indent or Layout.Unindent:
                    continue;
                case Layout.FormFeed:
                    droppedFormFeed = true;
                    break;
            }
            _layout[i] = Layout.Ignore;
        }
        WriteLayout(_layout.Count);
        if (newlines > 0)
        {
            WriteByte(droppedFormFeed ? '\f' : '\n', Math.Min(newlines, 2));
        }
    }

    private void WriteString(Pos position, string text, bool literal)
    {
        if (_column == 1)
        {
            WriteIndent();
        }
        if (position.Valid)
        {
            _pos = position;
        }
        if (literal)
        {
            _output.Append(ElasticTabWriter.Escape).Append(text).Append(ElasticTabWriter.Escape);
        }
        else
        {
            _output.Append(text);
        }

        var newlines = 0;
        var lastNewline = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '\n' or '\f')
            {
                newlines++;
                lastNewline = i;
            }
        }
        if (newlines > 0)
        {
            _pos.Line += newlines;
            _pos.Column = text.Length - lastNewline;
            _column = _pos.Column;
        }
        else
        {
            _pos.Column += text.Length;
            _column += text.Length;
        }
        _last = _pos;
    }

    private void WriteIndent()
    {
        _output.Append('\t', _indent);
        _pos.Column += _indent;
        _column += _indent;
    }

    private void WriteByte(char ch, int count)
    {
        if (_column == 1)
        {
            WriteIndent();
        }
        _output.Append(ch, count);
        if (ch is '\n' or '\f')
        {
            _pos.Line += count;
            _pos.Column = 1;
            _column = 1;
            return;
        }
        _pos.Column += count;
        _column += count;
    }

    private void WriteLayout(int count)
    {
        for (var i = 0; i < count; i++)
        {
            switch (_layout[i])
            {
                case Layout.Ignore:
                    break;
                case Layout.Indent:
                    _indent++;
                    break;
                case Layout.Unindent:
                    _indent--;
                    break;
                default:
                    WriteByte((char)_layout[i], 1);
                    break;
            }
        }
        _layout.RemoveRange(0, count);
    }
}
