namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// Names at the edge: model names, versions, labels and file names, in URLs and bodies, on the management API and
/// the prediction routes. A name that breaks its rule is 400 with the rule's sentence (never a 500 from a store that
/// cannot key it); a valid name that does not exist is 404.
/// </summary>
[Collection(HostileSuite.Name)]
public sealed class NamesTests(HostileHost host)
{
    private const string NameRule = "Use 1 to 63 lowercase letters, digits or '-', starting with a letter.";
    private const string SemVerAdvice = "Write MAJOR.MINOR.PATCH, such as 1.0.0, optionally with a pre-release such as 1.0.0-rc.1.";
    private const string BuildMetadata = "has build metadata ('+build'); a model version must not, because versions that differ only in build metadata cannot be ordered. Record the build in lineage.sourceRevision.";
    private const string FileAdvice = "Name a file directly inside the model folder, such as \"model.onnx\".";
    private const string Label100 = """{"version": "1.0.0"}""";

    public static TheoryData<string, string, string?, int, string> ModelNames => new()
    {
        // From issue 16: these were 500s with an empty body ("Table key contains '/'").
        { "PUT", "/api/models/a%23b/policy", """{"requireValidation": false}""", 400, Model("a#b", "it contains '#'") },
        { "DELETE", "/api/models/a%3Fb/labels/stable", null, 400, Model("a?b", "it contains '?'") },
        { "PUT", "/api/models/Ghost%20Model/policy", """{"requireValidation": false}""", 400, Model("Ghost Model", "it starts with 'G'") },
        { "PUT", "/api/models/ghostmodel/policy", """{"requireValidation": false}""", 404, "Model 'ghostmodel' is not registered." },
        // Case, first character, characters that need escaping somewhere.
        { "GET", "/api/models/Iris", null, 400, Model("Iris", "it starts with 'I'") },
        { "GET", "/api/models/iRis", null, 400, Model("iRis", "it contains 'R'") },
        { "GET", "/api/models/9lives", null, 400, Model("9lives", "it starts with '9'") },
        { "GET", "/api/models/-iris", null, 400, Model("-iris", "it starts with '-'") },
        { "GET", "/api/models/_models", null, 400, Model("_models", "it starts with '_'") },
        { "GET", "/api/models/iris.", null, 400, Model("iris.", "it contains '.'") },
        { "GET", "/api/models/iris%20", null, 400, Model("iris ", "it contains ' '") },
        { "GET", "/api/models/ir%20is", null, 400, Model("ir is", "it contains ' '") },
        { "GET", "/api/models/iris%3Apredict", null, 400, Model("iris:predict", "it contains ':'") },
        { "GET", "/api/models/a%2Fb", null, 400, Model("a%2Fb", "it contains '%'") },
        { "GET", "/api/models/..%2Fx", null, 400, Model("..%2Fx", "it starts with '.'") },
        // Unicode: letters that are not ASCII, combining marks, invisible and reordering characters (shown escaped).
        { "GET", "/api/models/%C3%A9", null, 400, Model("é", "it starts with 'é'") },
        { "GET", "/api/models/i%CC%87ris", null, 400, Model("i\u0307ris", "it contains '\u0307'") },
        { "GET", "/api/models/%E2%80%AEiris", null, 400, Model("\\u202eiris", "it starts with '\\u202e'") },
        { "GET", "/api/models/%EF%BB%BFiris", null, 400, Model("\\ufeffiris", "it starts with '\\ufeff'") },
        { "GET", "/api/models/ir%E2%80%8Bis", null, 400, Model("ir\\u200bis", "it contains '\\u200b'") },
        { "GET", "/api/models/%F0%9F%9A%80", null, 400, Model("🚀", "it starts with '\uFFFD'") },
        // Control characters: escaped in the message, never raw. (NUL never reaches us: see FramingTests.)
        { "GET", "/api/models/iris%0A", null, 400, Model("iris\\n", "it contains '\\n'") },
        { "GET", "/api/models/iris%0D%0Ax", null, 400, Model("iris\\r\\nx", "it contains '\\r'") },
        // Length: 63 is the limit; a long name is quoted shortened.
        { "GET", "/api/models/" + new string('a', 64), null, 400, Model(new string('a', 64), "it is 64 characters long and the limit is 63") },
        { "GET", "/api/models/" + new string('a', 5000), null, 400, Model(new string('a', 64) + "…", "it is 5000 characters long and the limit is 63") },
        { "GET", "/api/models/" + new string('a', 63), null, 404, $"Model '{new string('a', 63)}' is not registered." },
        // Valid names that some file system or URL scheme treats specially are just names.
        { "GET", "/api/models/con", null, 404, "Model 'con' is not registered." },
        { "GET", "/api/models/api", null, 404, "Model 'api' is not registered." },
        // The prediction routes apply the same rule.
        { "POST", "/v1/models/Iris:predict", """{"instances": [[1, 2, 3, 4]]}""", 400, Model("Iris", "it starts with 'I'") },
        { "GET", "/v1/models/iris%23x", null, 400, Model("iris#x", "it contains '#'") },
        { "GET", "/v1/models/IRIS/metadata", null, 400, Model("IRIS", "it starts with 'I'") },
        { "GET", "/v2/models/IRIS/ready", null, 400, Model("IRIS", "it starts with 'I'") },
        { "POST", "/v2/models/a%2Fb/infer", """{"inputs": []}""", 400, Model("a%2Fb", "it contains '%'") },
        { "GET", "/v2/models/iris%20/versions/1.0.0", null, 400, Model("iris ", "it contains ' '") },
        { "GET", "/v2/models/ghostmodel", null, 404, "Model 'ghostmodel' is not registered." },
    };

    public static TheoryData<string, string, string?, int, string> Versions => new()
    {
        // From issue 16.
        { "GET", "/api/models/iris/versions/1%23", null, 400, Version("1#", "Major version contains invalid character '#' in '1#'.") },
        { "POST", "/api/models/iris/versions/1%23/retire", """{"reason": "x"}""", 400, Version("1#", "Major version contains invalid character '#' in '1#'.") },
        { "PUT", "/api/models/iris/labels/stable", """{"version": "../../x"}""", 400, Version("../../x", "Major version missing in '../../x'.") },
        // Spellings SemVer 2.0.0 does not allow.
        { "GET", "/api/models/iris/versions/01.0.0", null, 400, Version("01.0.0", "Major version has leading zero in '01.0.0'.") },
        { "GET", "/api/models/iris/versions/1.0", null, 400, Version("1.0", "Patch version missing in '1.0'.") },
        { "GET", "/api/models/iris/versions/1", null, 400, Version("1", "Minor version missing in '1'.") },
        { "GET", "/api/models/iris/versions/v1", null, 400, Version("v1", "Leading 'v' in 'v1'.") },
        { "GET", "/api/models/iris/versions/1.0.0-", null, 400, Version("1.0.0-", "Missing prerelease identifier in '1.0.0-'.") },
        { "GET", "/api/models/iris/versions/1.0.0-rc.01", null, 400, Version("1.0.0-rc.01", "Leading zero in prerelease identifier in version '1.0.0-rc.01'.") },
        { "GET", "/api/models/iris/versions/1.0.0.0", null, 400, Version("1.0.0.0", "Fourth version number in '1.0.0.0'.") },
        { "GET", "/api/models/iris/versions/1.0.0%20", null, 400, Version("1.0.0 ", "Version '1.0.0 ' has trailing whitespace.") },
        { "GET", "/api/models/iris/versions/1.0.0-%C3%A9", null, 400, Version("1.0.0-é", "Invalid character 'é' in prerelease identifier in '1.0.0-é'.") },
        { "GET", "/api/models/iris/versions/latest", null, 400, Version("latest", "Major version contains invalid character 'l' in 'latest'.") },
        { "GET", "/api/models/iris/versions/%EF%BC%91.0.0", null, 400, Version("１.0.0", "Major version contains invalid character '１' in '１.0.0'.") },
        { "GET", "/api/models/iris/versions/1.0.0+build", null, 400, $"Version '1.0.0+build' {BuildMetadata}" },
        { "GET", "/api/models/iris/versions/1.0.0-" + new string('a', 123), null, 400, $"Version '1.0.0-{new string('a', 58)}…' is 129 characters long and the limit is 128." },
        // Valid versions that do not exist.
        { "GET", "/api/models/iris/versions/99999999999999999999.0.0", null, 404, "Model 'iris' has no version '99999999999999999999.0.0'." },
        { "GET", "/api/models/iris/versions/1.0.0-RC.1", null, 404, "Model 'iris' has no version '1.0.0-RC.1'." },
        { "POST", "/api/models/iris/versions/9.9.9/retire", """{"reason": "x"}""", 404, "Model 'iris' has no version '9.9.9'." },
        // The prediction routes: TF Serving's integer versions are not ours.
        { "POST", "/v1/models/iris/versions/1:predict", """{"instances": [[1, 2, 3, 4]]}""", 400, Version("1", "Minor version missing in '1'.") },
        { "POST", "/v2/models/iris/versions/1/infer", """{"inputs": []}""", 400, Version("1", "Minor version missing in '1'.") },
        { "GET", "/v2/models/iris/versions/v1.0.0/ready", null, 400, Version("v1.0.0", "Leading 'v' in 'v1.0.0'.") },
        { "GET", "/v1/models/iris/versions/1.0.0+build/metadata", null, 400, $"Version '1.0.0+build' {BuildMetadata}" },
        // A version in a body.
        { "PUT", "/api/models/iris/labels/stable", """{"version": "1.0.0+build"}""", 400, $"Version '1.0.0+build' {BuildMetadata}" },
        { "PUT", "/api/models/iris/labels/stable", """{"version": "9.9.9"}""", 404, "Model 'iris' has no version '9.9.9'." },
        { "PUT", "/api/models/iris/labels/stable", $$"""{"version": "{{new string('1', 10_000)}}"}""", 400, $"Version '{new string('1', 64)}…' is 10000 characters long and the limit is 128." },
    };

    public static TheoryData<string, string, string?, int, string> Labels => new()
    {
        { "PUT", "/api/models/iris/labels/Stable", Label100, 400, Label("Stable", "it starts with 'S'") },
        { "PUT", "/api/models/iris/labels/stable.", Label100, 400, Label("stable.", "it contains '.'") },
        { "PUT", "/api/models/iris/labels/1abc", Label100, 400, Label("1abc", "it starts with '1'") },
        { "PUT", "/api/models/iris/labels/" + new string('l', 64), Label100, 400, Label(new string('l', 64), "it is 64 characters long and the limit is 63") },
        { "PUT", "/api/models/iris/labels/canary%0A", Label100, 400, Label("canary\\n", "it contains '\\n'") },
        { "DELETE", "/api/models/iris/labels/st%2Fable", null, 400, Label("st%2Fable", "it contains '%'") },
        { "POST", "/v1/models/iris/labels/Stable:predict", """{"instances": [[1, 2, 3, 4]]}""", 400, Label("Stable", "it starts with 'S'") },
        { "GET", "/v1/models/iris/labels/no-such", null, 404, "Model 'iris' has no label 'no-such'." },
        { "DELETE", "/api/models/iris/labels/no-such", null, 404, "Model 'iris' has no label 'no-such'." },
        // Labels in a traffic split.
        { "PUT", "/api/models/iris/policy", """{"traffic": {"Stable": 100}}""", 400, "The traffic split names an invalid label. " + Label("Stable", "it starts with 'S'") },
        { "PUT", "/api/models/iris/policy", """{"traffic": {"": 100}}""", 400, "The traffic split names an invalid label. " + Label("", "it is empty") },
        { "PUT", "/api/models/iris/policy", """{"traffic": {"ghost": 100}}""", 409, "The traffic split names label 'ghost', which model 'iris' does not have." },
    };

    public static TheoryData<string, string, string?, int, string> Files => new()
    {
        // From issue 16: a name over 255 bytes was a PathTooLongException (500) on the embedded store; a version with
        // build metadata was written (200) and then "pending" on every scan.
        { "PUT", "/api/models/iris/versions/9.0.0/files/" + new string('a', 300), "bytes", 400, File(new string('a', 64) + "…", "it is 300 bytes long in UTF-8 and the limit is 255") },
        { "PUT", "/api/models/iris/versions/1.0.0+build/files/model.onnx", "bytes", 400, $"Version '1.0.0+build' {BuildMetadata}" },
        { "PUT", "/api/models/iris/versions/9.0.0/files/" + string.Concat(Enumerable.Repeat("%C3%A9", 128)), "bytes", 400, File(new string('é', 64) + "…", "it is 256 bytes long in UTF-8 and the limit is 255") },
        { "PUT", "/api/models/iris/versions/9.0.0/files/model.onnx.", "bytes", 400, File("model.onnx.", "it ends with '.', which Windows file systems drop") },
        { "PUT", "/api/models/iris/versions/9.0.0/files/model.onnx%20", "bytes", 400, File("model.onnx ", "it ends with ' ', which Windows file systems drop") },
        { "PUT", "/api/models/iris/versions/9.0.0/files/a%5Cb", "bytes", 400, File("a\\b", "it contains '\\'") },
        { "PUT", "/api/models/iris/versions/9.0.0/files/c%3Amodel.onnx", "bytes", 400, File("c:model.onnx", "it contains ':'") },
        { "PUT", "/api/models/iris/versions/9.0.0/files/a%09b", "bytes", 400, File("a\\tb", "it contains a control character ('\\t')") },
        { "PUT", "/api/models/Iris/versions/9.0.0/files/model.onnx", "bytes", 400, Model("Iris", "it starts with 'I'") },
        { "PUT", "/api/models/iris/versions/9.0/files/model.onnx", "bytes", 400, Version("9.0", "Patch version missing in '9.0'.") },
    };

    [Theory]
    [MemberData(nameof(ModelNames))]
    public Task AModelNameIsCheckedByTheRuleOnEveryRoute(string method, string path, string? body, int status, string message) =>
        HostileCase.AssertAnswerAsync(host.Client, method, path, body, status, message);

    [Theory]
    [MemberData(nameof(Versions))]
    public Task AVersionIsAStrictSemanticVersionWithoutBuildMetadata(string method, string path, string? body, int status, string message) =>
        HostileCase.AssertAnswerAsync(host.Client, method, path, body, status, message);

    [Theory]
    [MemberData(nameof(Labels))]
    public Task ALabelIsCheckedByTheRuleInUrlsAndTrafficSplits(string method, string path, string? body, int status, string message) =>
        HostileCase.AssertAnswerAsync(host.Client, method, path, body, status, message);

    [Theory]
    [MemberData(nameof(Files))]
    public Task AnUploadedFileNameIsOneEveryStoreCanKeep(string method, string path, string? body, int status, string message) =>
        HostileCase.AssertAnswerAsync(host.Client, method, path, body, status, message);

    private static string Model(string quoted, string problem) => $"Model name '{quoted}' is not valid: {problem}. {NameRule}";

    private static string Label(string quoted, string problem) => $"Label '{quoted}' is not valid: {problem}. {NameRule}";

    private static string Version(string quoted, string reason) => $"Version '{quoted}' is not a semantic version: {reason} {SemVerAdvice}";

    private static string File(string quoted, string problem) => $"File name '{quoted}' is not valid: {problem}. {FileAdvice}";
}
