using System.Runtime.CompilerServices;
using Cloud.Serving.Protocols.Tensors;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.TfServing;

/// <summary>
/// The fast path for the body nearly every client of a float model sends, <c>{"instances": [[1.5, 2, ...], ...]}</c>:
/// it scans the bytes once and parses the numbers straight into the tensor, without a tokenizer in between (under
/// load that halves the decoding cost, which is a tenth of a request's CPU).
/// </summary>
/// <remarks>
/// It takes a body only when it is certain to mean exactly what the general reader would make of it: valid JSON of
/// exactly that shape — one key, <c>instances</c>, spelled without escapes; rows that are lists of exactly the
/// input's row length (or single numbers for a rank-1 input); numbers that <see cref="FastSingleParser"/> parses
/// exactly. Anything else — other keys, objects, strings, nulls, a wrong row length, an odd number, bad JSON — is
/// declined without a word, and the general reader then reads the body from the start and gives every error
/// message. So this path never has to produce an error and cannot produce a different answer.
/// </remarks>
internal static class FloatInstancesReader
{
    /// <summary>Decodes the body when it has the common shape; false (and no request) otherwise.</summary>
    /// <param name="json">The prepared body: UTF-8, byte order mark removed.</param>
    public static bool TryRead(ReadOnlySpan<byte> json, ServedSignature signature, out InferenceRequest? request)
    {
        request = null;
        if (signature.Inputs.Length != 1 || RowLength(signature.Inputs[0]) is not { } rowLength)
        {
            return false;
        }

        // Each number takes at least two bytes with its comma: a row longer than that cannot be in the body, and is
        // refused before its buffer is allocated (a 20-byte body must not make us allocate a model's row of 4 MB).
        if (rowLength > json.Length / 2 + 1)
        {
            return false;
        }

        var spec = signature.Inputs[0];
        var at = 0;
        if (!Expect(json, ref at, (byte)'{') || !ExpectInstancesKey(json, ref at) || !Expect(json, ref at, (byte)':') || !Expect(json, ref at, (byte)'['))
        {
            return false;
        }

        // Sized for one row at first, which is exact for the common one-row request.
        var data = new float[Math.Max(rowLength, 1)];
        var count = 0;
        var rows = 0;
        do
        {
            if (data.Length - count < Math.Max(rowLength, 1))
            {
                Array.Resize(ref data, data.Length * 2);
            }

            if (spec.Rank == 1)
            {
                if (!TryNumber(json, ref at, out data[count]))
                {
                    return false;
                }

                count++;
            }
            else if (!TryRow(json, ref at, data.AsSpan(count, rowLength)))
            {
                return false;
            }
            else
            {
                count += rowLength;
            }

            rows++;
        }
        while (Expect(json, ref at, (byte)','));

        if (!Expect(json, ref at, (byte)']') || !Expect(json, ref at, (byte)'}') || SkipWhitespace(json, at) != json.Length)
        {
            return false;
        }

        if (spec.Dimensions[0] >= 0 && spec.Dimensions[0] != rows)
        {
            return false; // the general reader words the error
        }

        long[] shape = spec.Rank == 1 ? [rows] : [rows, rowLength];
        // Rows stack only where the model can batch; elsewhere the request runs as it is.
        request = new InferenceRequest(signature.Batchable ? rows : null, [new NamedTensor(spec.Name, new DenseTensor<float>(data.AsMemory(0, count), shape))]);
        return true;
    }

    /// <summary>
    /// Elements per row for a float input of rank 1 (one per row) or rank 2 with a fixed row length; else null. An
    /// input with feature names qualifies too: its rows may be lists, read the same way (objects are declined).
    /// </summary>
    private static int? RowLength(ServedInput spec) =>
        spec.ElementType != TensorElementType.Float ? null
        : spec.Rank == 1 ? 1
        : spec.Rank == 2 && spec.Dimensions[1] is > 0 and <= 1 << 20 ? (int)spec.Dimensions[1]
        : null;

    /// <summary>One row: '[' number (',' number)* ']' with exactly <paramref name="row"/>.Length numbers.</summary>
    private static bool TryRow(ReadOnlySpan<byte> json, ref int at, Span<float> row)
    {
        if (!Expect(json, ref at, (byte)'['))
        {
            return false;
        }

        for (var i = 0; i < row.Length; i++)
        {
            if ((i > 0 && !Expect(json, ref at, (byte)',')) || !TryNumber(json, ref at, out row[i]))
            {
                return false;
            }
        }

        return Expect(json, ref at, (byte)']');
    }

    /// <summary>Skips whitespace, then reads one number exactly, or declines.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryNumber(ReadOnlySpan<byte> json, ref int at, out float value)
    {
        at = SkipWhitespace(json, at);

        // A number beyond float's range reads as infinity; the general reader refuses it with its message.
        return FastSingleParser.TryRead(json, ref at, out value) && float.IsFinite(value);
    }

    /// <summary>The key "instances" exactly (escaped spellings are left to the general reader).</summary>
    private static bool ExpectInstancesKey(ReadOnlySpan<byte> json, ref int at)
    {
        var start = SkipWhitespace(json, at);
        if (!json[start..].StartsWith("\"instances\""u8))
        {
            return false;
        }

        at = start + "\"instances\""u8.Length;
        return true;
    }

    /// <summary>Skips whitespace and consumes <paramref name="token"/> if it is next.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Expect(ReadOnlySpan<byte> json, ref int at, byte token)
    {
        var i = SkipWhitespace(json, at);
        if (i < json.Length && json[i] == token)
        {
            at = i + 1;
            return true;
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> json, int at)
    {
        while (at < json.Length && json[at] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            at++;
        }

        return at;
    }
}
