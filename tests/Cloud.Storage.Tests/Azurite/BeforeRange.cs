using Azure.Core;
using Azure.Core.Pipeline;

namespace Cloud.Storage.Tests.Azurite;

/// <summary>
/// A pipeline policy that runs <paramref name="action"/> once, just before the first GET whose range starts at
/// <paramref name="offset"/> is sent, so a test can change a blob at an exact point of a ranged download.
/// </summary>
internal sealed class BeforeRange(long offset, Func<Task> action) : HttpPipelinePolicy
{
    private int _done;

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (IsTheRange(message) && Interlocked.Exchange(ref _done, 1) == 0)
        {
            await action();
        }

        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The store only calls the SDK asynchronously.");

    private bool IsTheRange(HttpMessage message) =>
        message.Request.Method == RequestMethod.Get
        && RequestRecorder.RangeOf(message.Request) is { } range
        && range.StartsWith($"bytes={offset}-", StringComparison.Ordinal);
}
