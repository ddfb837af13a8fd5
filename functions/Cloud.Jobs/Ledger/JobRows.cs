using System.Text.Json;
using Cloud.Sdk.Jobs;
using Cloud.Storage.Tables;

namespace Cloud.Jobs.Ledger;

/// <summary>
/// How jobs are laid out in the <c>Jobs</c> table: one row per job in one partition, keyed by the job id. Every text
/// column is bounded well under Azure Table's limits (32K characters a property, 1 MiB a row): what does not fit
/// (full logs, later metric histories and curves) is a blob beside the job (<see cref="JobFiles"/>).
/// </summary>
internal static class JobRows
{
    public const string Partition = "job";

    /// <summary>Longest spec a job may carry: a job's settings, not its data.</summary>
    public const int MaxSpecLength = 16 * 1024;

    public const int MaxTailLength = 4 * 1024;
    public const int MaxErrorLength = 2 * 1024;
    public const int MaxSummaryLength = 2 * 1024;

    public static TableEntity New(JobMessage message, DateTimeOffset now)
    {
        var row = new TableEntity(Partition, message.Id)
            .Set("Kind", message.Kind)
            .Set("Status", JobStatus.Queued.ToWireName())
            .Set("Attempt", 0)
            .Set("Attempts", 0)
            .Set("CreatedAt", now)
            .Set("UpdatedAt", now);
        SetIfPresent(row, "Model", message.Model);
        SetIfPresent(row, "Version", message.Version);
        SetIfPresent(row, "Spec", message.Spec is { } spec ? spec.GetRawText() : null);
        SetIfPresent(row, "TraceParent", message.TraceParent);
        return row;
    }

    public static JobInfo ToInfo(TableEntity row) => new(
        row.RowKey,
        row.Get<string>("Kind")!,
        row.Get<string>("Model"),
        row.Get<string>("Version"),
        row.Get<string>("Spec") is { } spec ? JsonDocument.Parse(spec).RootElement.Clone() : null,
        StatusOf(row),
        row.Get<int>("Attempts"),
        row.Get<DateTimeOffset>("CreatedAt"),
        row.Get<DateTimeOffset?>("StartedAt"),
        row.Get<DateTimeOffset?>("FinishedAt"),
        row.Get<string>("Worker"),
        row.Get<bool>("CancelRequested"),
        row.Get<string>("Summary"),
        row.Get<string>("Error"),
        row.Get<string>("LogTail"));

    /// <summary>The message that runs the job's next attempt (a queued job's, when it is submitted again).</summary>
    public static JobMessage NextMessage(TableEntity row)
    {
        var info = ToInfo(row);
        return new JobMessage(info.Id, info.Kind, info.Model, info.Version, info.Spec, LastAttempt(row) + 1) { TraceParent = row.Get<string>("TraceParent") };
    }

    public static JobStatus StatusOf(TableEntity row) =>
        JobStatuses.TryParse(row.Get<string>("Status"), out var status) ? status : JobStatus.Queued;

    /// <summary>The attempt of the message that last started the job (0 before any).</summary>
    public static int LastAttempt(TableEntity row) => row.Get<int>("Attempt");

    /// <summary>How many times a runner started the job.</summary>
    public static int Runs(TableEntity row) => row.Get<int>("Attempts");

    public static TableEntity SetStatus(this TableEntity row, JobStatus status, DateTimeOffset now)
    {
        row.Set("Status", status.ToWireName()).Set("UpdatedAt", now);
        if (status.IsFinished())
        {
            row.Set("FinishedAt", now);
        }

        return row;
    }

    public static TableEntity SetText(this TableEntity row, string name, string? text, int max, bool keepEnd = false) =>
        row.Set(name, text is null || text.Length <= max ? text : keepEnd ? "…" + text[^(max - 1)..] : text[..(max - 1)] + "…");

    private static void SetIfPresent(TableEntity row, string name, object? value)
    {
        if (value is not null)
        {
            row.Set(name, value);
        }
    }
}
