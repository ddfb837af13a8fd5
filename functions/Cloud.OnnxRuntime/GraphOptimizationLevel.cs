namespace Cloud.OnnxRuntime;

/// <summary>How much ORT rewrites the graph before running it; values match the C API's <c>GraphOptimizationLevel</c>.</summary>
public enum GraphOptimizationLevel
{
    /// <summary>No graph optimizations.</summary>
    DisableAll = 0,
    /// <summary>Semantics-preserving rewrites such as constant folding.</summary>
    Basic = 1,
    /// <summary>Basic plus node fusions.</summary>
    Extended = 2,
    /// <summary>Everything, including layout optimizations (ORT's default).</summary>
    All = 99,
}
