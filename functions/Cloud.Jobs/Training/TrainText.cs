using System.Globalization;
using System.Text;

namespace Cloud.Jobs.Training;

/// <summary>
/// Text from a job's spec or a trainer's output put into a message: control characters escaped and long text shortened,
/// so a hostile spec or trainer can neither forge lines of the job's log nor fill its row.
/// </summary>
internal static class TrainText
{
    public static string Escape(string text, int maxLength = 200)
    {
        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 8);
        foreach (var c in text.Length > maxLength ? text[..maxLength] : text)
        {
            _ = char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format
                ? builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}")
                : builder.Append(c);
        }

        return text.Length > maxLength ? builder.Append('…').ToString() : builder.ToString();
    }

    public static string Quote(string text, int maxLength = 200) => $"'{Escape(text, maxLength)}'";
}
