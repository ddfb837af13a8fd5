using System.Globalization;
using System.Text;
using Cloud.Registry.Onnx;

using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>
/// Compares an output with the expected one the way onnx's backend runner does: same element type and shape;
/// floats within a <see cref="Tolerance"/>, NaN matching NaN and an infinity only itself; integers, bools and
/// strings exactly.
/// </summary>
internal static class OutputComparer
{
    // Mismatching elements listed in a message; the rest are counted.
    private const int ListedMismatches = 3;

    /// <summary>Null when <paramref name="actual"/> matches; otherwise what differs, for the report.</summary>
    public static string? Compare(Tensor expected, Tensor actual, Tolerance tolerance)
    {
        if (actual.ElementType != expected.ElementType)
        {
            return $"element type {TensorElementTypes.Name(actual.ElementType)}, expected {TensorElementTypes.Name(expected.ElementType)}";
        }

        if (!actual.Shape.SequenceEqual(expected.Shape))
        {
            return $"shape [{string.Join(",", actual.Shape)}], expected [{string.Join(",", expected.Shape)}]";
        }

        return (expected, actual) switch
        {
            (DenseTensor<float> e, DenseTensor<float> a) => Close(e.Span, a.Span, static v => v, tolerance),
            (DenseTensor<double> e, DenseTensor<double> a) => Close(e.Span, a.Span, static v => v, tolerance),
            (DenseTensor<Half> e, DenseTensor<Half> a) => Close(e.Span, a.Span, static v => (double)v, tolerance),
            (DenseTensor<BFloat16> e, DenseTensor<BFloat16> a) => Close(e.Span, a.Span, static v => (double)(float)v, tolerance),
            (DenseTensor<sbyte> e, DenseTensor<sbyte> a) => Exact<sbyte>(e.Span, a.Span),
            (DenseTensor<byte> e, DenseTensor<byte> a) => Exact<byte>(e.Span, a.Span),
            (DenseTensor<short> e, DenseTensor<short> a) => Exact<short>(e.Span, a.Span),
            (DenseTensor<ushort> e, DenseTensor<ushort> a) => Exact<ushort>(e.Span, a.Span),
            (DenseTensor<int> e, DenseTensor<int> a) => Exact<int>(e.Span, a.Span),
            (DenseTensor<uint> e, DenseTensor<uint> a) => Exact<uint>(e.Span, a.Span),
            (DenseTensor<long> e, DenseTensor<long> a) => Exact<long>(e.Span, a.Span),
            (DenseTensor<ulong> e, DenseTensor<ulong> a) => Exact<ulong>(e.Span, a.Span),
            (DenseTensor<bool> e, DenseTensor<bool> a) => Exact<bool>(e.Span, a.Span),
            (StringTensor e, StringTensor a) => Exact<string>(e.Values.ToArray(), a.Values.ToArray()),
            _ => $"cannot compare {actual} with {expected}",
        };
    }

    private static string? Close<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, Func<T, double> toDouble, Tolerance tolerance)
    {
        var mismatches = new Mismatches();
        var worst = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = toDouble(expected[i]);
            var a = toDouble(actual[i]);
            bool ok;
            if (double.IsNaN(e) || double.IsNaN(a))
            {
                ok = double.IsNaN(e) && double.IsNaN(a);
            }
            else if (double.IsInfinity(e) || double.IsInfinity(a))
            {
                ok = e == a;
            }
            else
            {
                var error = Math.Abs(a - e);
                ok = error <= tolerance.Absolute + tolerance.Relative * Math.Abs(e);
                if (!ok)
                {
                    worst = Math.Max(worst, error);
                }
            }

            if (!ok)
            {
                mismatches.Add(i, Format(e), Format(a));
            }
        }

        return mismatches.Describe(expected.Length, $"; largest |difference| {Format(worst)} ({tolerance})");
    }

    private static string? Exact<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual)
    {
        var mismatches = new Mismatches();
        for (var i = 0; i < expected.Length; i++)
        {
            if (!EqualityComparer<T>.Default.Equals(expected[i], actual[i]))
            {
                mismatches.Add(i, Quote(expected[i]), Quote(actual[i]));
            }
        }

        return mismatches.Describe(expected.Length, string.Empty);
    }

    private static string Format(double value) => value.ToString("G9", CultureInfo.InvariantCulture);

    private static string Quote<T>(T value) => value is string s ? $"\"{s}\"" : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    /// <summary>Counts mismatching elements and keeps the first few for the message.</summary>
    private sealed class Mismatches
    {
        private readonly StringBuilder _listed = new();
        private int _count;

        public void Add(int index, string expected, string actual)
        {
            if (_count++ < ListedMismatches)
            {
                _listed.Append(CultureInfo.InvariantCulture, $"; [{index}] {actual}, expected {expected}");
            }
        }

        public string? Describe(int total, string suffix) =>
            _count == 0 ? null : $"{_count} of {total} elements differ{_listed}{suffix}";
    }
}
