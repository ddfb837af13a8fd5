namespace Cloud.Infra.Tests;

/// <summary>
/// A fact skipped, with the reason, where infra/'s suite cannot run (no Node.js 20+). xunit 2 reads
/// <see cref="FactAttribute.Skip"/> after constructing the attribute, so deciding here is enough.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class InfraFactAttribute : FactAttribute
{
    public InfraFactAttribute()
    {
        if (InfraSuite.MissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>The theory form of <see cref="InfraFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class InfraTheoryAttribute : TheoryAttribute
{
    public InfraTheoryAttribute()
    {
        if (InfraSuite.MissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}
