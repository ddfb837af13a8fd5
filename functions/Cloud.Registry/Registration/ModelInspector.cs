using System.Diagnostics;
using System.Text.Json;
using Cloud.Registry.Onnx;
using Cloud.Registry;
using Microsoft.ML.OnnxRuntime;
using Cloud.Sdk.Registry;

namespace Cloud.Registry.Registration;

/// <summary>
/// Loads a model file with ONNX Runtime to prove it loads and to read its inputs and outputs. Small files load
/// in this process. Bigger ones load in a child process (this same app, `inspect-model FILE`): ORT needs about
/// twice a model's size while loading it, which a host registering a 100 MB model should not pay, and a native
/// crash on a hostile file then takes down only the child. The child dies with its parent: it holds the read end of a
/// pipe whose write end only the parent has (its standard input), and ends itself when the pipe closes.
/// </summary>
/// <remarks>
/// Why the pipe rather than polling the parent's process id: the operating system closes a dead process's handles at
/// once on Linux and Windows alike (kill -9 included), so the child learns at once and with nothing to poll, and a
/// process id can be reused by the time it is looked at. The child watches only when <see cref="ParentPipeVariable"/>
/// says the pipe is there, so `inspect-model FILE` run by hand (stdin a terminal or /dev/null) works as before.
/// </remarks>
internal sealed class ModelInspector(RegistrationOptions options)
{
    /// <summary>The command-line verb of the child process.</summary>
    public const string Verb = "inspect-model";

    /// <summary>Set to 1 in the child's environment: its standard input is the parent's pipe, closed when the parent ends.</summary>
    public const string ParentPipeVariable = "CLOUD_INSPECT_PARENT_PIPE";

    public async Task<ModelInspection> InspectAsync(string file, CancellationToken cancellationToken)
    {
        return new FileInfo(file).Length <= options.InProcessInspectionLimit
            ? InspectHere(file)
            : await InspectInChildAsync(file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads the model in this process (also what the child process runs).</summary>
    public static ModelInspection InspectHere(string file)
    {
        try
        {
            // Only the signature is read: basic optimizations load faster, and one thread is all a load uses.
            using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
            using var session = new InferenceSession(file, options);
            return new ModelInspection(ModelNode.InputsOf(session).Select(ToSignature).ToArray(), ModelNode.OutputsOf(session).Select(ToSignature).ToArray(), null);
        }
        catch (OnnxRuntimeException error)
        {
            return ModelInspection.Failed(OrtErrors.MessageOf(error));
        }
    }

    /// <summary>The child process's entry point: inspect, print JSON, exit 0 (even when ORT refused the file).</summary>
    public static int RunChild(string file)
    {
        if (Environment.GetEnvironmentVariable(ParentPipeVariable) == "1")
        {
            EndWithParent();
        }

        Console.Out.Write(JsonSerializer.Serialize(InspectHere(file), RegistryRows.Json));
        return 0;
    }

    /// <summary>Ends this process when standard input reaches its end: the parent closed it, or died.</summary>
    private static void EndWithParent()
    {
        var watcher = new Thread(() =>
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[64];
            while (stdin.Read(buffer) > 0)
            {
            }

            // Killed, not exited: nobody waits for an answer any more, and no shutdown code (ORT's included) should run
            // beside a load still in progress on the main thread.
            Process.GetCurrentProcess().Kill();
        })
        {
            IsBackground = true,
            Name = "parent pipe",
        };
        watcher.Start();
    }

    private async Task<ModelInspection> InspectInChildAsync(string file, CancellationToken cancellationToken)
    {
        var start = ChildStartInfo(file);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var output = child.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = child.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.InspectionTimeout);
        try
        {
            await child.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            child.Kill(entireProcessTree: true);
            return ModelInspection.Failed($"loading took longer than {options.InspectionTimeout.TotalSeconds:0} s and was stopped");
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
        }

        if (child.ExitCode != 0)
        {
            // A signal (e.g. 139 = SIGSEGV) means ORT crashed on the file: that is the file's problem, recorded as such.
            var stderr = (await errors.ConfigureAwait(false)).Trim();
            return ModelInspection.Failed($"the inspecting process exited with code {child.ExitCode}{(stderr.Length > 0 ? $": {Last(stderr, 500)}" : string.Empty)}");
        }

        return JsonSerializer.Deserialize<ModelInspection>(await output.ConfigureAwait(false), RegistryRows.Json)
            ?? ModelInspection.Failed("the inspecting process printed nothing");
    }

    private ProcessStartInfo ChildStartInfo(string file)
    {
        // The host's own program (its apphost when it has one, else its assembly through the dotnet host) unless
        // the settings name another one that answers the same verb.
        var program = options.InspectorProgram ?? HostProgram();
        var start = program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { ArgumentList = { program } }
            : new ProcessStartInfo(program);
        start.ArgumentList.Add(Verb);
        start.ArgumentList.Add(file);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        // The pipe the child ends with: this process holds its write end, open until the child is disposed.
        start.RedirectStandardInput = true;
        start.Environment[ParentPipeVariable] = "1";
        start.UseShellExecute = false;
        return start;
    }

    private static string HostProgram()
    {
        var assembly = System.Reflection.Assembly.GetEntryAssembly()?.Location
            ?? throw new InvalidOperationException("The host's entry assembly is unknown; set Cloud:Registration:InspectorProgram.");
        var appHost = Path.ChangeExtension(assembly, null);
        return File.Exists(appHost) ? appHost : assembly;
    }

    private static TensorSignature ToSignature(ModelNode node) =>
        new(node.Name, node.IsTensor ? TensorElementTypes.Name(node.ElementType) : node.ValueTypeText.ToLowerInvariant(),
            node.Dimensions.ToArray(), node.SymbolicDimensions.ToArray());

    private static string Last(string text, int length) => text.Length <= length ? text : "…" + text[^length..];
}
