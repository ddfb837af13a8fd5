namespace Cloud.Jobs.Promotion;

/// <summary>What a soak window showed.</summary>
internal enum SoakFinding
{
    /// <summary>No worse than the compared version within the tolerances: promote.</summary>
    NoWorse,

    /// <summary>Fewer requests than <c>minRequests</c>: nothing can be concluded yet.</summary>
    TooFewRequests,

    /// <summary>Worse beyond a tolerance: hold.</summary>
    Worse,
}

/// <summary>A soak's finding and the numbers behind it, in one sentence.</summary>
internal sealed record SoakVerdict(SoakFinding Finding, string Reason);
