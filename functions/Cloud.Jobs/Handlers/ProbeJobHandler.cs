using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Cloud.Jobs.Runner;
using Cloud.Sdk.Jobs;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Jobs.Handlers;

/// <summary>
/// The probe job: says what the worker that took it has (cores, ONNX Runtime's execution providers — CUDA among them on
/// a GPU worker) and holds the job for <c>spec.seconds</c> (0 to 3600), so a deployment's queue, lock renewal, logs and
/// cancellation can be checked without a model.
/// </summary>
internal sealed partial class ProbeJobHandler(TimeProvider time) : IJobHandler
{
    private const int MaxSeconds = 3600;

    public string Kind => JobKinds.Probe;

    public async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var seconds = Seconds(context.Message.Spec);
        var providers = string.Join(", ", OrtEnv.Instance().GetAvailableProviders());
        LogWorker(context.Log, JobRunner.Worker, Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, providers);
        for (var left = seconds; left > 0; left--)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            LogHolding(context.Log, left - 1);
        }

        return new JobResult(string.Create(CultureInfo.InvariantCulture, $"{JobRunner.Worker}: {Environment.ProcessorCount} cores; ONNX Runtime providers {providers}; held {seconds} s"));
    }

    private static int Seconds(JsonElement? spec)
    {
        if (spec is not { ValueKind: JsonValueKind.Object } given || !given.TryGetProperty("seconds", out var value))
        {
            return 0;
        }

        return value.TryGetInt32(out var seconds) && seconds is >= 0 and <= MaxSeconds
            ? seconds
            : throw new JobFailedException($"A probe's spec.seconds is a whole number from 0 to {MaxSeconds}; got {value.GetRawText()}.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker}: {Cores} cores, {OS}, {Framework}; ONNX Runtime providers: {Providers}")]
    private static partial void LogWorker(ILogger log, string worker, int cores, string os, string framework, string providers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Holding; {Seconds} s left")]
    private static partial void LogHolding(ILogger log, int seconds);
}
