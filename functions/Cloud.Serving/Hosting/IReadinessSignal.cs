namespace Cloud.Serving.Hosting;

/// <summary>
/// Something a host must finish once before it reports ready: the first routing pass (which loads every routed
/// version), the local host's first scan of the store. Readiness is all of them.
/// </summary>
internal interface IReadinessSignal
{
    Task FirstPass { get; }
}
