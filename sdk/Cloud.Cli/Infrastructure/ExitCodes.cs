namespace Cloud.Cli.Infrastructure;

/// <summary>The documented exit codes (docs/cli.md): scripts switch on them, so they never change meaning.</summary>
internal static class ExitCodes
{
    /// <summary>It worked.</summary>
    public const int Ok = 0;

    /// <summary>The host refused the request: a registry rule (409), a stale ETag (412), a failed registration (422), bad input it named (400).</summary>
    public const int Refused = 1;

    /// <summary>The command line or a local file is wrong: an unknown option, a folder without model.json, an invalid manifest.</summary>
    public const int Usage = 2;

    /// <summary>What was named does not exist: model, version, label or job (404).</summary>
    public const int NotFound = 3;

    /// <summary>The key is missing or wrong (401, 403).</summary>
    public const int Unauthorized = 4;

    /// <summary>The host could not be reached, timed out, or failed (5xx after retries).</summary>
    public const int Unavailable = 5;

    /// <summary>A followed job ended failed, dead-lettered or cancelled.</summary>
    public const int JobFailed = 6;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
