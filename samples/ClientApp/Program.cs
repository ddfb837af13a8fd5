using ClientApp;

// dotnet run --project samples/ClientApp [-- http://localhost:7071 [admin-key]]
// Start the host first: dotnet run --project functions/Cloud.Host
var endpoint = new Uri(args.Length > 0 ? args[0] : "http://localhost:7071");
var adminKey = args.Length > 1 ? args[1] : Environment.GetEnvironmentVariable("CLOUD_ADMIN_KEY");
var samples = Path.Combine(AppContext.BaseDirectory, "iris");
return await Walkthrough.RunAsync(endpoint, adminKey, samples, Console.Out, CancellationToken.None);
