using System.Text;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Cloud.Functions;
using Microsoft.Extensions.Hosting;

namespace Cloud.Functions.Tests;

/// <summary>
/// The Functions app's composition (FunctionsComposition, what Program.cs gives the worker) started as a web host
/// on Azurite, with its function classes resolved from it. The worker's gRPC link to the Functions host is the one
/// part left out: the host cannot run here. Jobs go to the embedded SQLite queue in a temp folder (Service Bus has no
/// emulator; its backend is tested in Cloud.Jobs.Tests through the SDK's test doubles).
/// </summary>
internal sealed class FunctionsApp : IAsyncDisposable
{
    private readonly DirectoryInfo _data;

    private FunctionsApp(DirectoryInfo data, IHost host, string container, BlobContainerClient models)
    {
        _data = data;
        Host = host;
        Container = container;
        Models = models;
    }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    /// <summary>This test's models container: the one the blob trigger watches.</summary>
    public string Container { get; }

    public BlobContainerClient Models { get; }

    public HttpFunctions Http => Services.GetRequiredService<HttpFunctions>();

    public RegisterModelFunction RegisterModel => Services.GetRequiredService<RegisterModelFunction>();

    /// <summary>Fires the sweep's timer once, as the Functions host does on its schedule.</summary>
    public Task SweepAsync() => Services.GetRequiredService<SweepUnrecordedFoldersFunction>().RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

    /// <summary>Settings both this app and a local host beside it use: the same Azurite containers and tables.</summary>
    public const string AdminKey = "test-admin-key";

    public static (string Key, string Value)[] StoreSettings(AzuriteFixture azurite, string suffix) =>
    [
        ("Cloud:Management:AdminKey", AdminKey),
        ("Cloud:Storage:ConnectionString", azurite.ConnectionString),
        ("Cloud:Storage:ModelsContainer", "models" + suffix),
        ("Cloud:Storage:RegisteredContainer", "registered" + suffix),
        ("Cloud:Storage:JobsContainer", "jobs" + suffix),
        ("Cloud:Storage:RegistryTable", "Registry" + suffix),
        ("Cloud:Storage:JobsTable", "Jobs" + suffix),
    ];

    public static async Task<FunctionsApp> StartAsync(AzuriteFixture azurite, string suffix, params (string Key, string Value)[] settings)
    {
        var data = Directory.CreateTempSubdirectory("cloud-functions-");
        // A web host, as the worker's ASP.NET Core integration runs one (its Kestrel is what the Functions host proxies to).
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        FunctionsComposition.Configure(builder.Configuration, builder.Services);
        builder.Services.AddSingleton<HttpFunctions>();
        builder.Services.AddSingleton<RegisterModelFunction>();
        builder.Services.AddSingleton<SweepUnrecordedFoldersFunction>();
        foreach (var (key, value) in StoreSettings(azurite, suffix).Append(("Cloud:Jobs:Backend", "sqlite")).Append(("Cloud:Storage:DataDirectory", data.FullName)).Concat(settings))
        {
            builder.Configuration[key] = value;
        }

        var host = builder.Build();
        await host.StartAsync();
        var models = new BlobContainerClient(azurite.ConnectionString, "models" + suffix);
        return new FunctionsApp(data, host, "models" + suffix, models);
    }

    /// <summary>Uploads one file and delivers its blob-created event to the trigger, as Event Grid would.</summary>
    public async Task UploadAndTriggerAsync(string path, byte[] content)
    {
        var blob = Models.GetBlobClient(path);
        await blob.UploadAsync(new BinaryData(content), overwrite: true);
        await TriggerAsync(path);
    }

    /// <summary>Delivers a blob-created event for an existing blob (again, for a repeated delivery).</summary>
    public Task TriggerAsync(string path) => RegisterModel.RunAsync(Models.GetBlobClient(path), CancellationToken.None);

    /// <summary>Calls an HTTP function with a real ASP.NET Core request and returns what it wrote.</summary>
    public async Task<Answer> CallAsync(Func<HttpFunctions, HttpRequest, Task> function, string method, string pathAndQuery, string? body = null, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        var request = context.Request;
        request.Method = method;
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        request.Path = query < 0 ? pathAndQuery : pathAndQuery[..query];
        request.QueryString = query < 0 ? QueryString.Empty : new QueryString(pathAndQuery[query..]);
        request.Scheme = "https";
        request.Host = new HostString("cloud-test.azurewebsites.net");
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            request.Body = new MemoryStream(bytes);
            request.ContentLength = bytes.Length;
            request.ContentType = "application/json";
        }

        foreach (var (name, value) in headers)
        {
            request.Headers[name] = value;
        }

        var output = new MemoryStream();
        context.Response.Body = output;
        await function(Http, request);
        await context.Response.CompleteAsync(); // what the server does after the function: flush what the endpoint wrote
        return new Answer(context.Response.StatusCode, context.Response.ContentType, Encoding.UTF8.GetString(output.ToArray()),
            context.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }

    /// <summary>What a function wrote: status, content type, body and headers.</summary>
    internal sealed record Answer(int Status, string? ContentType, string Body, IReadOnlyDictionary<string, string> Headers);
}
