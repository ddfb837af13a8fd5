using Cloud.Serving.Batching;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Serving.Models;

/// <summary>
/// Runs a batch of requests on one ORT session: requests whose rows have the same shapes and ask for the same
/// outputs are concatenated along dimension 0 and run once; the outputs are cut back per request. Requests that
/// cannot share a run (different trailing dimensions, different outputs) run in their own groups, so results are
/// always exactly what each request alone would get. A request that is not rows (<see cref="InferenceRequest.Stackable"/>
/// false) runs alone with exactly its own shapes, and its outputs are returned whole.
/// </summary>
internal sealed class SessionBatchExecutor(SessionRunner runner) : IBatchExecutor<InferenceRequest, InferenceResponse>
{
    public SessionBatchExecutor(InferenceSession session)
        : this(new SessionRunner(session))
    {
    }

    public int RowsOf(InferenceRequest item) => item.Rows ?? 1;

    public bool RunsAlone(InferenceRequest item) => !item.Stackable;

    public ValueTask<IReadOnlyList<InferenceResponse>> ExecuteAsync(IReadOnlyList<InferenceRequest> items, int paddedRows, CancellationToken cancellationToken)
    {
        var results = new InferenceResponse[items.Count];
        if (items.Count == 1 && (!items[0].Stackable || paddedRows == items[0].Rows))
        {
            // The common idle case, and every request that is not rows: nothing to merge, pad or cut.
            results[0] = RunAlone(items[0], cancellationToken);
            return ValueTask.FromResult<IReadOnlyList<InferenceResponse>>(results);
        }

        foreach (var group in Groups(items))
        {
            if (!items[group[0]].Stackable)
            {
                // The batcher never puts one beside others; should it happen, it still runs with its own shapes.
                results[group[0]] = RunAlone(items[group[0]], cancellationToken);
                continue;
            }

            var rows = group.Sum(i => items[i].Rows!.Value);
            var padded = group.Count == items.Count ? paddedRows : rows;
            RunMerged(items, group, rows, padded, results, cancellationToken);
        }

        return ValueTask.FromResult<IReadOnlyList<InferenceResponse>>(results);
    }

    private InferenceResponse RunAlone(InferenceRequest request, CancellationToken cancellationToken)
    {
        return new InferenceResponse(runner.Run(request.Inputs, request.OutputNames, cancellationToken));
    }

    private void RunMerged(IReadOnlyList<InferenceRequest> items, List<int> group, int rows, int paddedRows, InferenceResponse[] results, CancellationToken cancellationToken)
    {
        var first = items[group[0]];
        var inputs = new NamedTensor[first.Inputs.Count];
        var parts = new Tensor[group.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            var name = first.Inputs[i].Name;
            for (var g = 0; g < parts.Length; g++)
            {
                parts[g] = InputNamed(items[group[g]], i, name).Value;
            }

            inputs[i] = new NamedTensor(name, TensorRows.Concat(parts, paddedRows));
        }

        using var merged = runner.RunValues(inputs, first.OutputNames, cancellationToken);
        if (merged.Any(o => OutputTensors.ShapeOf(o) is var shape && (shape.Length == 0 || shape[0] != paddedRows)))
        {
            // An output that is not per-row (a model that reduces over the batch) cannot be cut: run each alone.
            foreach (var index in group)
            {
                results[index] = RunAlone(items[index], cancellationToken);
            }

            return;
        }

        // Each request's rows are read straight out of ORT's buffers: one copy, no intermediate batch-sized tensor.
        var names = first.OutputNames ?? runner.Session.OutputNames;
        var start = 0;
        foreach (var index in group)
        {
            var count = items[index].Rows!.Value;
            var outputs = new NamedTensor[merged.Count];
            for (var o = 0; o < outputs.Length; o++)
            {
                outputs[o] = new NamedTensor(names[o], OutputTensors.Read(merged[o], names[o], start, count));
            }

            results[index] = new InferenceResponse(outputs);
            start += count;
        }
    }

    /// <summary>Indices of requests that can share one run, in arrival order within each group (usually one group).</summary>
    private static List<List<int>> Groups(IReadOnlyList<InferenceRequest> items)
    {
        var groups = new List<List<int>> { new() { 0 } };
        for (var i = 1; i < items.Count; i++)
        {
            var group = groups.Find(g => CanShareRun(items[g[0]], items[i]));
            if (group is null)
            {
                groups.Add([i]);
            }
            else
            {
                group.Add(i);
            }
        }

        return groups;
    }

    /// <summary>Same inputs with the same element types and row shapes, and the same outputs asked for.</summary>
    private static bool CanShareRun(InferenceRequest a, InferenceRequest b)
    {
        if (!a.Stackable || !b.Stackable || a.Inputs.Count != b.Inputs.Count || !SameOutputs(a.OutputNames, b.OutputNames))
        {
            return false;
        }

        for (var i = 0; i < a.Inputs.Count; i++)
        {
            var x = a.Inputs[i];
            var y = InputNamed(b, i, x.Name);
            if (y.Value is null || x.Value.ElementType != y.Value.ElementType || x.Value.Shape.Count != y.Value.Shape.Count)
            {
                return false;
            }

            for (var d = 1; d < x.Value.Shape.Count; d++)
            {
                if (x.Value.Shape[d] != y.Value.Shape[d])
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The request's input of that name: codecs emit inputs in model order, so usually at the same index.</summary>
    private static NamedTensor InputNamed(InferenceRequest request, int index, string name) =>
        index < request.Inputs.Count && request.Inputs[index].Name == name ? request.Inputs[index] : request.Inputs.FirstOrDefault(input => input.Name == name);

    private static bool SameOutputs(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.SequenceEqual(b, StringComparer.Ordinal));
}
