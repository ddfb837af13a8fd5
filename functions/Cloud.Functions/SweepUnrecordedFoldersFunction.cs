using Cloud.Registry.Registration;
using Microsoft.Azure.Functions.Worker;

namespace Cloud.Functions;

/// <summary>
/// The timer beside the blob trigger: Event Grid sends one event per file written, so a folder whose last file never
/// arrives gets no event after its wait runs out. Every five minutes this looks at the folders the registry has no
/// version for (<see cref="UnrecordedFolderSweep"/>), so such a folder is recorded as failed, with its reason, at
/// most five minutes after <c>IncompleteFolderWait</c> (and a folder whose completing event was lost registers).
/// The Functions host runs one schedule per app, not one per instance (the timer takes a storage lease).
/// </summary>
internal sealed partial class SweepUnrecordedFoldersFunction(UnrecordedFolderSweep sweep, ILogger<SweepUnrecordedFoldersFunction> logger)
{
    [Function("SweepUnrecordedFolders")]
    public async Task RunAsync([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var outcomes = await sweep.RunAsync(cancellationToken).ConfigureAwait(false);
        LogSwept(outcomes.Count, timer.IsPastDue);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep looked again at {Folders} unrecorded folders (past due: {PastDue})")]
    private partial void LogSwept(int folders, bool pastDue);
}
