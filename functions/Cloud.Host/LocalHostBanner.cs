using Cloud.Registry.Stores;

namespace Cloud.Host;

/// <summary>What the local host prints once it listens: where, and what to curl.</summary>
internal static class LocalHostBanner
{
    public static void Print(WebApplication app)
    {
        var url = app.Urls.FirstOrDefault() ?? CloudHost.DefaultUrl;
        var storage = app.Services.GetRequiredService<StorageOptions>();
        var grpc = app.Services.GetRequiredService<GrpcListeners>();
        Console.WriteLine($$"""

            Cloud local host listening on {{url}}  (data: {{storage.FullDataDirectory}}; Ctrl+C stops)

              curl {{url}}/v1/models/iris
              curl -X POST {{url}}/v1/models/iris:predict -d '{"instances": [[5.1, 3.5, 1.4, 0.2], {"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3}]}'
              curl -X POST {{url}}/v2/models/iris/infer -d '{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}'
              curl {{url}}/api/models

            gRPC (Open Inference Protocol, protos/open_inference_grpc.proto): {{grpc}}

            """);
    }
}
