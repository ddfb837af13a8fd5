using System.Security.Cryptography;
using System.Text;
using Cloud.TestSupport.Conformance;

namespace Cloud.Host.Tests.Conformance;

/// <summary>
/// A valid model name (^[a-z][a-z0-9-]{0,62}$, docs/model-folder.md) for a case: a folder prefix and the case name
/// lowercased with '_' as '-', cut to fit, and a hash of the case id, so that names stay unique when lowercasing or
/// cutting makes two cases alike (test_cast_FLOAT_to_STRING), and readable in the host's messages.
/// </summary>
internal static class CaseModelName
{
    private const int MaxLength = 63;

    public static string For(BackendTestCase testCase)
    {
        var prefix = testCase.Folder == "node" ? "n-" : "p-";
        var hash = "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(testCase.Id)))[..6];
        var body = new StringBuilder();
        foreach (var c in testCase.Name.ToLowerInvariant())
        {
            body.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-');
        }

        var room = MaxLength - prefix.Length - hash.Length;
        return prefix + (body.Length > room ? body.ToString(0, room) : body.ToString()) + hash;
    }
}
