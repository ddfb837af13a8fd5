using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cloud.Cli.Infrastructure;

/// <summary>JSON for --json: the API's conventions (camelCase, enums as words), indented, one document per command.</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Json<T>(CliEnvironment environment, T value)
    {
        environment.Out.WriteLine(JsonSerializer.Serialize(value, Options));
        environment.Out.Flush();
    }
}
