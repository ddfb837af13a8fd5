using Cloud.Sdk;
using Cloud.Sdk.Jobs;
using Cloud.Sdk.Models;
using Cloud.Sdk.Prediction;

namespace Cloud.Cli.Infrastructure;

/// <summary>Makes the SDK's clients from the command's options and the environment.</summary>
internal static class Clients
{
    public const string DefaultEndpoint = "http://localhost:7071";

    public static Uri Endpoint(ClientSettings settings, CliEnvironment environment)
    {
        var text = settings.Endpoint ?? environment.Variable("CLOUD_ENDPOINT") ?? DefaultEndpoint;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new UsageException($"--endpoint '{text}' is not an http:// or https:// address; give one such as {DefaultEndpoint}.");
    }

    public static CloudCredential Credential(ClientSettings settings, CliEnvironment environment)
    {
        var admin = settings.AdminKey ?? environment.Variable("CLOUD_ADMIN_KEY");
        var function = settings.FunctionKey ?? environment.Variable("CLOUD_FUNCTION_KEY");
        return function is { Length: > 0 } ? CloudCredential.FunctionKey(function, admin is { Length: > 0 } ? admin : null)
            : admin is { Length: > 0 } ? CloudCredential.AdminKey(admin)
            : CloudCredential.None;
    }

    public static ModelsClient Models(ClientSettings settings, CliEnvironment environment) =>
        new(Endpoint(settings, environment), new ModelsClientOptions { Credential = Credential(settings, environment), ApplicationId = "cloud-cli" });

    public static JobsClient Jobs(ClientSettings settings, CliEnvironment environment) =>
        new(Endpoint(settings, environment), new JobsClientOptions { Credential = Credential(settings, environment), ApplicationId = "cloud-cli" });

    public static PredictionClient Prediction(ClientSettings settings, CliEnvironment environment, bool binaryTensors = true, Uri? grpcEndpoint = null) =>
        new(Endpoint(settings, environment), new PredictionClientOptions
        {
            Credential = Credential(settings, environment),
            ApplicationId = "cloud-cli",
            UseBinaryTensors = binaryTensors,
            GrpcEndpoint = grpcEndpoint,
        });
}
