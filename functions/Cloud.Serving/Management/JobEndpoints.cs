using Cloud.Registry;
using Cloud.Registry.Jobs;
using Cloud.Sdk.Jobs;

namespace Cloud.Serving.Management;

/// <summary>
/// The management API's jobs (docs/api.md, docs/jobs.md): submit, list, read (with the log tail), the full log, the curve, a tune job's trials, cancel.
/// The jobs room answers through <see cref="IJobManagement"/>; refusals come back as registry errors and are answered
/// in the management API's one error shape.
/// </summary>
internal static class JobEndpoints
{
    public static RouteGroupBuilder MapJobs(this RouteGroupBuilder api)
    {
        api.MapPost("/jobs", SubmitAsync);
        api.MapGet("/jobs", ListAsync);
        api.MapGet("/jobs/{id}", GetAsync);
        api.MapGet("/jobs/{id}/log", GetLogAsync);
        api.MapGet("/jobs/{id}/curve", GetCurveAsync);
        api.MapGet("/jobs/{id}/trials", GetTrialsAsync);
        api.MapPost("/jobs/{id}/cancel", CancelAsync);
        return api;
    }

    private static Task<IResult> SubmitAsync(JobRequest? body, IJobManagement jobs, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return Task.FromResult(ManagementErrors.Result(StatusCodes.Status400BadRequest,
                "The body must name the job: {\"kind\": \"validate\", \"model\": \"iris\", \"version\": \"1.0.0\"}."));
        }

        return AnswerAsync(async () =>
        {
            var (job, created) = await jobs.SubmitAsync(body, cancellationToken);
            // A submission whose id is taken answers with that job: a client retrying a lost answer finds its job.
            return created ? TypedResults.Created($"/api/jobs/{job.Id}", job) : TypedResults.Ok(job);
        });
    }

    private static async Task<IResult> ListAsync(string? model, string? status, IJobManagement jobs, CancellationToken cancellationToken)
    {
        JobStatus? wanted = null;
        if (status is not null)
        {
            if (!JobStatuses.TryParse(status, out var parsed))
            {
                return ManagementErrors.Result(StatusCodes.Status400BadRequest,
                    $"status must be one of {string.Join(", ", Enum.GetValues<JobStatus>().Select(s => s.ToWireName()))}; got '{status}'.");
            }

            wanted = parsed;
        }

        return TypedResults.Ok(new { jobs = await jobs.ListAsync(model, wanted, cancellationToken) });
    }

    private static async Task<IResult> GetAsync(string id, IJobManagement jobs, CancellationToken cancellationToken) =>
        await jobs.GetAsync(id, cancellationToken) is { } job ? TypedResults.Ok(job) : NoSuchJob(id);

    private static async Task<IResult> GetLogAsync(string id, IJobManagement jobs, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(id, cancellationToken) is null)
        {
            return NoSuchJob(id);
        }

        return await jobs.OpenLogAsync(id, cancellationToken) is { } log
            ? TypedResults.Stream(log.Content, "text/plain; charset=utf-8")
            : ManagementErrors.Result(StatusCodes.Status404NotFound,
                $"Job '{id}' has no log yet: a run stores its log when it ends (GET /api/jobs/{id} shows the running tail).");
    }

    private static async Task<IResult> GetCurveAsync(string id, IJobManagement jobs, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(id, cancellationToken) is null)
        {
            return NoSuchJob(id);
        }

        // A blob beside the job, never a row property: JSON Lines as the trainer wrote them, stored while it runs.
        return await jobs.OpenCurveAsync(id, cancellationToken) is { } curve
            ? TypedResults.Stream(curve.Content, "application/x-ndjson; charset=utf-8")
            : ManagementErrors.Result(StatusCodes.Status404NotFound,
                $"Job '{id}' has no training curve: a train job's curve is stored once its trainer writes points to CLOUD_METRICS.");
    }

    private static async Task<IResult> GetTrialsAsync(string id, IJobManagement jobs, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(id, cancellationToken) is null)
        {
            return NoSuchJob(id);
        }

        return await jobs.OpenTrialsAsync(id, cancellationToken) is { } trials
            ? TypedResults.Stream(trials.Content, "application/x-ndjson; charset=utf-8")
            : ManagementErrors.Result(StatusCodes.Status404NotFound,
                $"Job '{id}' has no trials: a tune job stores its trials when its search ends.");
    }

    private static Task<IResult> CancelAsync(string id, IJobManagement jobs, CancellationToken cancellationToken) =>
        AnswerAsync(async () => await jobs.CancelAsync(id, cancellationToken) is { } job ? TypedResults.Ok(job) : NoSuchJob(id));

    private static IResult NoSuchJob(string id) => ManagementErrors.Result(StatusCodes.Status404NotFound, $"There is no job '{id}'.");

    private static async Task<IResult> AnswerAsync(Func<Task<IResult>> answer)
    {
        try
        {
            return await answer();
        }
        catch (RegistryException error)
        {
            return ManagementErrors.From(error);
        }
    }
}
