using Cloud.Functions;
using Cloud.Registry.Registration;
using Microsoft.Azure.Functions.Worker.Builder;

// The Azure Functions app (.NET isolated worker). Started by the Functions host; its one verb is the child process
// registration starts to inspect big or untrusted models away from the app (the same verb as the local host's).
if (args is [ModelInspector.Verb, var modelFile])
{
    return ModelInspector.RunChild(modelFile);
}

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
FunctionsComposition.Configure(builder.Configuration, builder.Services);
builder.Build().Run();
return 0;
