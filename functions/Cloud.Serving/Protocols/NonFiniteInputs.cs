using System.Numerics;
using Cloud.Serving.Tensors;
using BFloat16 = Microsoft.ML.OnnxRuntime.BFloat16;

namespace Cloud.Serving.Protocols;

/// <summary>
/// NaN, Infinity and -Infinity in a request's floating-point inputs, refused unless the manifest allows them
/// (<c>allowNonFinite</c>). They arrive as tokens, as numbers too large for the type (1e39 as FP32), and later as
/// binary tensors, so the decoded tensors are checked, once, whatever the protocol: a NaN row would otherwise get
/// a confident-looking answer (an argmax class) in a 200.
/// </summary>
internal static class NonFiniteInputs
{
    /// <summary>The 400's message for the first non-finite element, naming the input and its position; null when there is none.</summary>
    public static string? Describe(InferenceRequest request)
    {
        foreach (var input in request.Inputs)
        {
            var (index, value) = input.Value switch
            {
                DenseTensor<float> f => First<float>(f.Span),
                DenseTensor<double> d => First<double>(d.Span),
                DenseTensor<Half> h => First<Half>(h.Span),
                DenseTensor<BFloat16> b => First(b.Span),
                _ => (-1, 0d),
            };
            if (index >= 0)
            {
                var text = double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
                return $"Input '{input.Name}' holds {text} at {Position(index, input.Value.Shape)}; this model refuses non-finite values " +
                    "(its model.json can allow them with \"allowNonFinite\": true, for models that read NaN as a missing value).";
            }
        }

        return null;
    }

    private static (long Index, double Value) First<T>(ReadOnlySpan<T> values)
        where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                return (i, double.CreateTruncating(values[i]));
            }
        }

        return (-1, 0);
    }

    /// <summary>
    /// bfloat16 (raw contents only: JSON cannot carry it) is not one of .NET's IEEE types, so its bits are read: all-ones
    /// exponent is non-finite, and every bfloat16 widens to a float exactly, keeping NaN and the infinity's sign.
    /// </summary>
    private static (long Index, double Value) First(ReadOnlySpan<BFloat16> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if ((values[i].value & 0x7F80) == 0x7F80)
            {
                return (i, (float)values[i]);
            }
        }

        return (-1, 0);
    }

    /// <summary>The element's index in each dimension, as a client would write it: [0, 2].</summary>
    private static string Position(long flat, IReadOnlyList<long> shape)
    {
        var index = new long[shape.Count];
        for (var d = shape.Count - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }

        return "[" + string.Join(", ", index) + "]";
    }
}
