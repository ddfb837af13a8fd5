namespace Cloud.Jobs.Ledger;

/// <summary>What a running job's heartbeat found on its row.</summary>
internal enum RunState
{
    Continue,
    /// <summary>Cancellation was asked for through the management API.</summary>
    CancelRequested,
    /// <summary>The job is no longer this run's: another runner took it over, or it finished meanwhile.</summary>
    Superseded,
}
