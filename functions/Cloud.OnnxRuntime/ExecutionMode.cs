namespace Cloud.OnnxRuntime;

/// <summary>Whether independent graph nodes may run in parallel; values match the C API's <c>ExecutionMode</c>.</summary>
public enum ExecutionMode
{
    /// <summary>Nodes run one after another; parallelism comes from inside operators (intra-op threads).</summary>
    Sequential = 0,
    /// <summary>Independent branches run concurrently on the inter-op thread pool.</summary>
    Parallel = 1,
}
