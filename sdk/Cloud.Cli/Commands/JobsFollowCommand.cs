using Cloud.Cli.Infrastructure;
using Cloud.Sdk.Jobs;
using Spectre.Console;

namespace Cloud.Cli.Commands;

/// <summary>
/// Follows a job until it ends: on a terminal, a live status line and the log as it grows; redirected, the log lines
/// and a last status line; with --json, the finished job. Exit code 6 when it did not succeed.
/// </summary>
internal sealed class JobsFollowCommand(CliEnvironment environment) : ClientCommand<JobIdSettings>(environment)
{
    protected override async Task<int> RunAsync(JobIdSettings settings, CancellationToken cancellationToken)
    {
        using var client = Clients.Jobs(settings, Environment);
        return await FollowAsync(client, settings.Id, settings.Json, Environment, cancellationToken);
    }

    public static async Task<int> FollowAsync(JobsClient client, string id, bool json, CliEnvironment environment, CancellationToken cancellationToken)
    {
        JobInfo? last = null;
        string? tail = null;
        if (environment.Interactive && !json)
        {
            await environment.Console.Status().StartAsync($"job {Markup.Escape(id)}", async context =>
            {
                await foreach (var job in client.FollowAsync(id, cancellationToken))
                {
                    context.Status($"job {Markup.Escape(id)}: {job.Status.ToWireName()}");
                    tail = PrintNewLines(environment, tail, job.LogTail);
                    last = job;
                }
            });
        }
        else
        {
            await foreach (var job in client.FollowAsync(id, cancellationToken))
            {
                if (!json)
                {
                    tail = PrintNewLines(environment, tail, job.LogTail);
                }

                last = job;
            }
        }

        if (json)
        {
            Output.Json(environment, last);
        }
        else
        {
            environment.Console.MarkupLineInterpolated($"Job [bold]{last!.Id}[/] {last.Status.ToWireName()}{(last.Summary is { } s ? ": " + s : "")}{(last.Error is { } e ? ": " + e : "")}");
        }

        return last!.Status == JobStatus.Succeeded
            ? ExitCodes.Ok
            : json ? ExitCodes.JobFailed : throw new JobFailedException($"Job {last.Id} ended {last.Status.ToWireName()}{(last.Error is { } error ? ": " + error : ".")} Its log: cloud jobs logs {last.Id}");
    }

    /// <summary>The log tail is the end of the log: print the lines that follow what was printed last time.</summary>
    private static string? PrintNewLines(CliEnvironment environment, string? printed, string? tail)
    {
        if (string.IsNullOrEmpty(tail) || tail == printed)
        {
            return printed;
        }

        var lines = tail.Split('\n');
        var seen = printed?.Split('\n') ?? [];
        var start = 0;
        if (seen.Length > 0)
        {
            var lastSeen = seen[^1].Length > 0 ? seen[^1] : seen.Length > 1 ? seen[^2] : "";
            var at = Array.LastIndexOf(lines, lastSeen);
            start = at >= 0 ? at + 1 : 0;
        }

        foreach (var line in lines.Skip(start).Where(l => l.Length > 0))
        {
            environment.Out.WriteLine(line);
        }

        environment.Out.Flush();
        return tail;
    }
}
