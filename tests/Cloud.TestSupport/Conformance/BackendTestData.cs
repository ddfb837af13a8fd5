using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>Where the ONNX backend test cases are: Debian's libonnx-testdata, or CLOUD_ONNX_TESTDATA.</summary>
internal static class BackendTestData
{
    public const string RootVariable = "CLOUD_ONNX_TESTDATA";
    public const string DebianRoot = "/usr/share/libonnx-testdata/data";

    /// <summary>
    /// The case folders this suite runs. libonnx-testdata also ships real/ (only data.json files naming models to
    /// download, so nothing to run offline), pytorch-operator/ and simple/. The last two run unchanged (with the
    /// onnx 1.12 data and ORT 1.30 they have no failures, only pre-opset-7 and training ops ORT refuses) and can
    /// be added here when the suite's scope grows.
    /// </summary>
    public static IReadOnlyList<string> Folders { get; } = ["node", "pytorch-converted"];

    /// <summary>
    /// The folder holding node/, pytorch-converted/, ...: CLOUD_ONNX_TESTDATA when set; else the installed package;
    /// else a copy fetched without root into artifacts/ (see <see cref="BackendTestDataFetcher"/>).
    /// </summary>
    public static string Root => s_located.Value.Root;

    public static bool IsAvailable => Directory.Exists(Path.Combine(Root, "node"));

    /// <summary>Why the suite is skipped when <see cref="IsAvailable"/> is false.</summary>
    public static string MissingReason => MissingReasonFor(Root) + (s_located.Value.FetchFailure is { } why ? $"; fetching it with apt-get download failed too: {why}" : string.Empty);

    private static readonly Lazy<(string Root, string? FetchFailure)> s_located = new(Locate);

    public static string MissingReasonFor(string root) => root == DebianRoot
        ? "libonnx-testdata is not installed (apt-get install libonnx-testdata); the ONNX backend conformance cases come from it"
        : $"{RootVariable} is '{root}', which has no node/ folder; point it at a copy of libonnx-testdata's data folder " +
          "or unset it and apt-get install libonnx-testdata";

    private static (string Root, string? FetchFailure) Locate()
    {
        if (Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } custom)
        {
            return (custom, null);
        }

        if (Directory.Exists(Path.Combine(DebianRoot, "node")))
        {
            return (DebianRoot, null);
        }

        var fetched = BackendTestDataFetcher.TryFetch(out var failure);
        return (fetched ?? DebianRoot, failure);
    }
}
