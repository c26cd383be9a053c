using System.Text.RegularExpressions;

namespace LockContracts.Cli.Scanning;

internal static class Paths
{
    private static readonly Regex FileAndLine = new(@"[\w.\-]+\.cs:\d+|(?<=[→(] ?)\d+(?=[ )→])", RegexOptions.Compiled);

    /// <summary>A path relative to the scanned root when it is inside it, with forward slashes.</summary>
    public static string Relative(string root, string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return path;
        }

        var relative = Path.GetRelativePath(root, path);
        return (relative.StartsWith("..", StringComparison.Ordinal) ? path : relative).Replace('\\', '/');
    }

    /// <summary>A message without "File.cs:12" and bare line numbers in "(… → 14)", so that it survives edits elsewhere in the file.</summary>
    public static string WithoutLineNumbers(string message) => FileAndLine.Replace(message, "#");
}
