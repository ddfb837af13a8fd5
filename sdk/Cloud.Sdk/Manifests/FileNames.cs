using System.Globalization;
using System.Text;

namespace Cloud.Sdk.Manifests;

/// <summary>
/// Rules for file names and relative paths a manifest points at. Every file must lie inside the model folder:
/// a name that could climb out of it ('..', an absolute path, a drive letter) or that some store or file system
/// would read differently (a backslash, a control character, a trailing dot or space) is refused.
/// </summary>
public static class FileNames
{
    /// <summary>
    /// Why <paramref name="name"/> is not a plain file name directly inside a model folder, as a sentence that
    /// quotes it, says what is wrong and what to write instead; null when it is valid. Uploads into a folder answer
    /// with this sentence, so a name no store or file system could keep is refused before anything is written.
    /// </summary>
    /// <param name="name">The candidate file name.</param>
    /// <returns>Null when valid, else the sentence, such as "File name 'model.onnx.' is not valid: it ends with '.', …".</returns>
    public static string? Validate(string? name) =>
        FileNameProblem(name ?? "") is { } problem
            ? $"File name {Quoting.Quote(name ?? "")} is not valid: {problem}. Name a file directly inside the model folder, such as \"model.onnx\"."
            : null;

    /// <summary>Null when <paramref name="name"/> is a plain file name directly inside the folder, else why not.</summary>
    internal static string? FileNameProblem(string name)
    {
        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (name.Contains('/', StringComparison.Ordinal))
        {
            return "it contains '/'";
        }

        return name is "." or ".." ? $"it is '{name}', which does not name a file" : SegmentProblem(name, "it");
    }

    /// <summary>
    /// Null when <paramref name="path"/> is a relative path inside the folder ('/'-separated plain names, such as
    /// "data/validation.csv"), else why not.
    /// </summary>
    internal static string? RelativePathProblem(string path)
    {
        if (path.Length == 0)
        {
            return "it is empty";
        }

        var bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes > ManifestLimits.MaxDatasetPathBytes)
        {
            return string.Create(CultureInfo.InvariantCulture, $"it is {bytes} bytes long in UTF-8 and the limit is {ManifestLimits.MaxDatasetPathBytes}");
        }

        if (path[0] == '/')
        {
            return "it starts with '/'";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "it has an empty segment ('//' or a trailing '/')";
            }

            if (segment is "." or "..")
            {
                return $"it has a '{segment}' segment; name files inside the folder without '.' or '..'";
            }

            if (SegmentProblem(segment, $"its segment {Quoting.Quote(segment)}") is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    // "subject" is "it" for a file name, or "its segment 'x'" within a path, so the clause reads right in both.
    private static string? SegmentProblem(string name, string subject)
    {
        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return $"{subject} contains a control character ('{Quoting.Char(c)}')";
            }

            if (c is '\\' or ':')
            {
                return $"{subject} contains '{c}'";
            }
        }

        if (name[^1] is '.' or ' ')
        {
            return $"{subject} ends with '{name[^1]}', which Windows file systems drop";
        }

        var bytes = Encoding.UTF8.GetByteCount(name);
        return bytes > ManifestLimits.MaxFileNameBytes
            ? string.Create(CultureInfo.InvariantCulture, $"{subject} is {bytes} bytes long in UTF-8 and the limit is {ManifestLimits.MaxFileNameBytes}")
            : null;
    }
}
