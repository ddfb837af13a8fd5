using Cloud.Registry.Datasets;
using Cloud.Registry.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Jobs.Evaluation;

/// <summary>
/// One model input fed from dataset columns: a [batch, n] input from the n columns its <c>featureNames</c> name, or a
/// [batch] / [batch, 1] input from the column named like the input. The values are the batch's own floats when the
/// input's columns are the batch's columns in order (one input, the common case: no copy), else gathered into a buffer
/// of this feed's own.
/// </summary>
internal sealed class InputFeed
{
    private readonly ModelNode _input;
    private int[] _slots = [];
    private float[]? _gathered;
    private bool _direct;

    private InputFeed(ModelNode input, IReadOnlyList<string> columns)
    {
        _input = input;
        Columns = columns;
    }

    public string Name => _input.Name;

    /// <summary>The dataset columns, in the order of the input's last dimension.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Rows one run may take: 1 for an input whose batch dimension is fixed at 1.</summary>
    public int MaxRows => _input.Dimensions[0] == 1 ? 1 : int.MaxValue;

    /// <exception cref="EvaluationException">The input cannot be fed from columns; the message says what would fit.</exception>
    public static InputFeed For(ModelNode input, IReadOnlyList<string>? featureNames, string model)
    {
        if (!input.IsTensor || input.ElementType != TensorElementType.Float)
        {
            throw new EvaluationException($"{model}: input {input} cannot be fed from a dataset; validation feeds float32 inputs only.");
        }

        var batchFree = input.Dimensions.Count > 0 && input.Dimensions[0] is -1 or 1;
        if (featureNames is not null && batchFree && input.Dimensions.Count == 2 && input.Dimensions[1] is var width && (width < 0 || width == featureNames.Count))
        {
            return new InputFeed(input, featureNames);
        }

        if (featureNames is null && batchFree && (input.Dimensions.Count == 1 || (input.Dimensions.Count == 2 && input.Dimensions[1] == 1)))
        {
            return new InputFeed(input, [input.Name]);
        }

        throw new EvaluationException(featureNames is null
            ? $"{model}: input {input} cannot be fed from dataset columns: name its columns in model.json's inputs.{input.Name}.featureNames for a [batch,n] input, or make it [batch] or [batch,1] to take the column '{input.Name}'."
            : $"{model}: input {input} cannot take its {featureNames.Count} featureNames: validation feeds them to a [batch,{featureNames.Count}] input (batch free or 1).");
    }

    /// <summary>Finds this input's columns among the batch's (<paramref name="batchColumns"/>), once before the first batch.</summary>
    public void Bind(IReadOnlyList<string> batchColumns, int batchCapacity)
    {
        _slots = [.. Columns.Select(c => IndexOf(batchColumns, c))];
        _direct = _slots.Length == batchColumns.Count && _slots.Select((slot, i) => slot == i).All(same => same);
        _gathered = _direct ? null : new float[batchCapacity * _slots.Length];
    }

    /// <summary>An ORT value over rows [start, start + count) of the batch; dispose it after the run.</summary>
    public OrtValue Value(DatasetBatch batch, int start, int count)
    {
        var width = _slots.Length;
        Memory<float> values;
        if (_direct)
        {
            values = batch.Features.AsMemory(start * width, count * width);
        }
        else
        {
            var all = batch.Features;
            var gathered = _gathered!;
            for (var r = 0; r < count; r++)
            {
                var from = (start + r) * batch.FeatureCount;
                for (var f = 0; f < width; f++)
                {
                    gathered[(r * width) + f] = all[from + _slots[f]];
                }
            }

            values = gathered.AsMemory(0, count * width);
        }

        long[] shape = _input.Dimensions.Count == 1 ? [count] : [count, width];
        return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, values, shape);
    }

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Column '{name}' is not among the batch's columns."); // the union is built from every feed's columns
    }
}
