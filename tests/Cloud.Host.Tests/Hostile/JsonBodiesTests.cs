namespace Cloud.Host.Tests.Hostile;

/// <summary>
/// JSON bodies that are not what a route takes: not an object, the wrong type for a field, a field twice or unknown,
/// invalid JSON, numbers out of range, deep nesting. Management bodies bind through minimal APIs and prediction bodies
/// through the protocol readers; both answer 400 saying what in the body is wrong, in JSON's terms.
/// </summary>
[Collection(HostileSuite.Name)]
public sealed class JsonBodiesTests(HostileHost host)
{
    private const string Label = "/api/models/iris/labels/hostile-json";
    private const string Policy = "/api/models/iris/policy";
    private const string Retire = "/api/models/iris/versions/9.9.9/retire";
    private const string NameTheVersion = "The body must name the version: {\"version\": \"1.2.0\"}.";
    private const string NotObject = "Request body must be a JSON object.";
    private const string WholeNumber = "a whole number from -2147483648 to 2147483647";

    public static TheoryData<string, string, string, int, string> ManagementBodies => new()
    {
        // Not an object, or an object without the version.
        { "PUT", Label, "[]", 400, NotObject },
        { "PUT", Label, "\"1.0.0\"", 400, NotObject },
        { "PUT", Label, "42", 400, NotObject },
        { "PUT", Label, "true", 400, NotObject },
        { "PUT", Label, new string('[', 100) + new string(']', 100), 400, NotObject },
        { "PUT", Label, "null", 400, NameTheVersion },
        { "PUT", Label, "{}", 400, NameTheVersion },
        { "PUT", Label, """{"version": null}""", 400, NameTheVersion },
        { "PUT", Label, """{"version": ""}""", 400, NameTheVersion },
        // Wrong types (issue 16: {"version": 1} was an empty 400).
        { "PUT", Label, """{"version": 1}""", 400, "In the request body, $.version must be a string (line 1, byte 14)." },
        { "PUT", Label, """{"version": ["1.0.0"]}""", 400, "In the request body, $.version must be a string (line 1, byte 14)." },
        { "PUT", Label, """{"version": {"v": "1.0.0"}}""", 400, "In the request body, $.version must be a string (line 1, byte 14)." },
        { "PUT", Label, """{"version": true}""", 400, "In the request body, $.version must be a string (line 1, byte 17)." },
        { "PUT", Label, """{"version": "1.0.0", "eTag": 5}""", 400, "In the request body, $.eTag must be a string (line 1, byte 31)." },
        { "PUT", Label, """{"version": "\ud800"}""", 400, "In the request body, $.version has a \\u escape that is half of a UTF-16 surrogate pair (line 1, byte 21)." },
        // Fields twice, in any case, or unknown.
        { "PUT", Label, """{"version": "1.0.0", "version": "2.0.0"}""", 400, "The request gives \"version\" twice." },
        { "PUT", Label, """{"Version": "1.0.0", "version": "1.0.0"}""", 400, "The request gives \"version\" twice." },
        { "PUT", Label, """{"versoin": "1.0.0"}""", 400, "The request body has unknown field \"versoin\"; the fields are: \"version\", \"eTag\"." },
        { "POST", Retire, """{"reason": "x", "force": true}""", 400, "The request body has unknown field \"force\"; the fields are: \"reason\"." },
        // Invalid JSON, said about the body (not the reader's options).
        { "PUT", Label, """{"version": "1.0.0",}""", 400, "Request body is not valid JSON: An object ends with ',', which JSON does not allow (line 1, byte 21)." },
        { "PUT", Label, """{"version": "1.0.0" /* c */}""", 400, "Request body is not valid JSON: '/' is invalid after a value. Expected either ',', '}', or ']' (line 1, byte 21)." },
        { "PUT", Label, "{'version': '1.0.0'}", 400, "Request body is not valid JSON: ''' is an invalid start of a property name. Expected a '\"' (line 1, byte 2)." },
        { "PUT", Label, """{"version": "1.0.0"} {}""", 400, "Request body is not valid JSON: '{' is invalid after a single JSON value. Expected end of data (line 1, byte 22)." },
        { "PUT", Label, """{"version": "1.0.0" """, 400, "Request body is not valid JSON: The JSON ends before every object and list in it is closed (line 1, byte 21)." },
        { "PUT", Label, "{\n  \"version\": \"1.0.0\"\n  \"eTag\": \"x\"\n}", 400, "Request body is not valid JSON: '\"' is invalid after a value. Expected either ',', '}', or ']' (line 3, byte 3)." },
        // Traffic weights: whole numbers (issue 16: 50.5 was an empty 400), then the registry's rules.
        { "PUT", Policy, """{"traffic": {"stable": 50.5}}""", 400, $"In the request body, $.traffic.stable must be {WholeNumber} (line 1, byte 28)." },
        { "PUT", Policy, """{"traffic": {"stable": 1e400}}""", 400, $"In the request body, $.traffic.stable must be {WholeNumber} (line 1, byte 29)." },
        { "PUT", Policy, """{"traffic": {"stable": 99999999999}}""", 400, $"In the request body, $.traffic.stable must be {WholeNumber} (line 1, byte 35)." },
        // JSON's web defaults read a quoted number as the number.
        { "PUT", Policy, """{"traffic": {"hostile-a": "50"}}""", 400, "Traffic weights must sum to 100; these sum to 50." },
        { "PUT", Policy, """{"traffic": {"stable": null}}""", 400, $"In the request body, $.traffic.stable must be {WholeNumber} (line 1, byte 28)." },
        { "PUT", Policy, """{"traffic": [["stable", 100]]}""", 400, "In the request body, $.traffic must be an object (line 1, byte 14)." },
        { "PUT", Policy, """{"traffic": "stable"}""", 400, "In the request body, $.traffic must be an object (line 1, byte 21)." },
        { "PUT", Policy, """{"requireValidation": "yes"}""", 400, "In the request body, $.requireValidation must be true or false (line 1, byte 28)." },
        { "PUT", Policy, """{"requireValidation": 1}""", 400, "In the request body, $.requireValidation must be true or false (line 1, byte 24)." },
        { "PUT", Policy, """{"traffic": {"stable": 100, "stable": 0}}""", 400, "The request gives \"stable\" twice." },
        { "PUT", Policy, """{"traffic": {"hostile-a": -1}}""", 400, "Label 'hostile-a' has weight -1; weights are 0 to 100." },
        { "PUT", Policy, """{"traffic": {"hostile-a": 101}}""", 400, "Label 'hostile-a' has weight 101; weights are 0 to 100." },
        { "PUT", Policy, """{"traffic": {"hostile-a": 60, "hostile-b": 30}}""", 400, "Traffic weights must sum to 100; these sum to 90." },
        { "POST", Retire, """{"reason": 5}""", 400, "In the request body, $.reason must be a string (line 1, byte 13)." },
    };

    public static TheoryData<string, string, string, int, string> PredictionBodies => new()
    {
        { "POST", "/v1/models/iris:predict", "[]", 400, NotObject },
        { "POST", "/v1/models/iris:predict", "", 400, "Request body is empty." },
        { "POST", "/v1/models/iris:predict", """{"instances": [[1, 2, 3, 4,]]}""", 400, "Request body is not valid JSON: A list ends with ',', which JSON does not allow (line 1, byte 28)." },
        // Deep nesting where the reader checks shapes is refused by shape; where it skips (parameters), by depth.
        { "POST", "/v1/models/iris:predict", "{\"instances\": " + new string('[', 70) + new string(']', 70) + "}", 400, @"^Input 'features' expects float32 \[-1,4\] \(.+\); .+ is a list, not a value\.$" },
        { "POST", "/v2/models/iris/infer", "{\"parameters\": " + new string('[', 70) + new string(']', 70) + ", \"inputs\": []}", 400, "Request body is not valid JSON: Objects and lists are nested more than 64 levels deep (line 1, byte 79)." },
        { "POST", "/v1/models/iris:predict", """{"instances": [[1, 2, 3, 4]], "instances": [[1, 2, 3, 4]]}""", 400, "The request gives \"instances\" twice." },
        { "POST", "/v2/models/iris/infer", """{"inputs": [""", 400, "Request body is not valid JSON: The JSON ends before every object and list in it is closed (line 1, byte 13)." },
    };

    [Theory]
    [MemberData(nameof(ManagementBodies))]
    public Task AManagementBodyThatDoesNotFitIsRefusedSayingWhere(string method, string path, string body, int status, string message) =>
        HostileCase.AssertAnswerAsync(host.Client, method, path, body, status, message);

    [Theory]
    [MemberData(nameof(PredictionBodies))]
    public Task APredictionBodyThatIsNotJsonIsRefusedSayingWhere(string method, string path, string body, int status, string message) =>
        HostileCase.AssertAnswerAsync(host.Client, method, path, body, status, message);
}
