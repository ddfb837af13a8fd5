using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cloud.Sdk.Http;

/// <summary>The JSON conventions of the HTTP API (docs/api.md): camelCase names, enums as camelCase words.</summary>
internal static class CloudJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
