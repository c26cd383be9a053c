using Microsoft.CodeAnalysis.Text;
using System.Text;

namespace LockContracts.Analyzers.Tests.Verification;

/// <summary>One diagnostic a test expects: an id over a span of the source.</summary>
public sealed record ExpectedDiagnostic(string Id, TextSpan Span);

/// <summary>
/// Test sources with the expected diagnostics marked inline: <c>{|LOCK101:text|}</c> expects
/// LOCK101 on <c>text</c>; <c>[|text|]</c> expects the test's default id. Markers may nest.
/// </summary>
public static class Markup
{
    public static (string Source, IReadOnlyList<ExpectedDiagnostic> Expected) Parse(string markup, string? defaultId)
    {
        var source = new StringBuilder(markup.Length);
        var expected = new List<ExpectedDiagnostic>();
        var open = new Stack<(string? Id, int Start, char Closer)>();
        for (var i = 0; i < markup.Length; i++)
        {
            if (Starts(markup, i, "{|"))
            {
                var colon = markup.IndexOf(':', i + 2);
                if (colon < 0 || colon - (i + 2) > 16 || colon == i + 2)
                {
                    throw new FormatException($"'{{|' at offset {i} must be followed by an id and ':'");
                }

                open.Push((markup.Substring(i + 2, colon - i - 2), source.Length, '}'));
                i = colon;
            }
            else if (Starts(markup, i, "[|"))
            {
                open.Push((defaultId, source.Length, ']'));
                i++;
            }
            else if (Starts(markup, i, "|}") || Starts(markup, i, "|]"))
            {
                if (open.Count == 0 || open.Peek().Closer != markup[i + 1])
                {
                    throw new FormatException($"'{markup.Substring(i, 2)}' at offset {i} closes no marker");
                }

                var (id, start, _) = open.Pop();
                expected.Add(new ExpectedDiagnostic(id ?? throw new FormatException("'[|' needs a default id for this test"), TextSpan.FromBounds(start, source.Length)));
                i++;
            }
            else
            {
                source.Append(markup[i]);
            }
        }

        if (open.Count > 0)
        {
            throw new FormatException($"{open.Count} marker(s) are never closed");
        }

        return (source.ToString(), expected);
    }

    private static bool Starts(string text, int index, string token) =>
        index + token.Length <= text.Length && string.CompareOrdinal(text, index, token, 0, token.Length) == 0;
}
