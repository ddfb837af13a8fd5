using Cloud.Registry.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport;

/// <summary>
/// Writes the bytes of a tiny ONNX model of Identity nodes (or another operator) (one per input, <c>x</c> → <c>x_out</c>), so tests get
/// real <see cref="ModelNode"/> from ORT for element types and shapes the committed samples do not cover.
/// Only the protobuf fields ORT needs are written: ModelProto.ir_version (1), opset_import (8), graph (7);
/// GraphProto.node (1), name (2), input (11), output (12); NodeProto.input (1), output (2), op_type (4);
/// ValueInfoProto.name (1), type (2); TypeProto.tensor_type (1); Tensor.elem_type (1), shape (2);
/// TensorShapeProto.dim (1); Dimension.dim_value (1) or dim_param (2).
/// </summary>
internal static class OnnxModelBuilder
{
    /// <summary>One graph input: a name, an element type, and dimensions (a long for a fixed size, a string for a symbolic one).</summary>
    public sealed record Input(string Name, TensorElementType Type, params object[] Dims);

    public static IReadOnlyList<ModelNode> Inputs(params Input[] inputs)
    {
        using var session = new InferenceSession(Identity(inputs));
        return ModelNode.InputsOf(session);
    }

    public static byte[] Identity(params Input[] inputs) => Model("Identity", inputs);

    /// <summary>The same graph with another operator in each node (one ORT may not have, to test refusals).</summary>
    public static byte[] Model(string opType, params Input[] inputs)
    {
        var graph = new List<byte>();
        foreach (var input in inputs)
        {
            var node = new List<byte>();
            Str(node, 1, input.Name);
            Str(node, 2, input.Name + "_out");
            Str(node, 4, opType);
            Msg(graph, 1, node);
        }

        Str(graph, 2, "g");
        foreach (var input in inputs)
        {
            Msg(graph, 11, ValueInfo(input.Name, input));
        }

        foreach (var input in inputs)
        {
            Msg(graph, 12, ValueInfo(input.Name + "_out", input));
        }

        return ModelOf(graph);
    }

    /// <summary>One node z = opType(a, b) with z typed like <paramref name="a"/> (Add, Mod, ...): a model that needs two inputs.</summary>
    public static byte[] Binary(string opType, Input a, Input b)
    {
        var graph = new List<byte>();
        var node = new List<byte>();
        Str(node, 1, a.Name);
        Str(node, 1, b.Name);
        Str(node, 2, "z");
        Str(node, 4, opType);
        Msg(graph, 1, node);
        Str(graph, 2, "g");
        Msg(graph, 11, ValueInfo(a.Name, a));
        Msg(graph, 11, ValueInfo(b.Name, b));
        Msg(graph, 12, ValueInfo("z", a));
        return ModelOf(graph);
    }

    /// <summary>
    /// A model without inputs: one Constant node whose float32 value (row-major, of shape <paramref name="dims"/>)
    /// is the output <c>z</c>. (NodeProto.attribute (5); AttributeProto.name (1), t (5), type (20) = TENSOR;
    /// TensorProto.dims (1), data_type (2), raw_data (9).)
    /// </summary>
    public static byte[] Constant(float[] values, params long[] dims)
    {
        var tensor = new List<byte>();
        foreach (var dim in dims)
        {
            Varint(tensor, 1, (ulong)dim);
        }

        Varint(tensor, 2, (ulong)TensorElementType.Float);
        Msg(tensor, 9, [.. System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray()]);
        var attribute = new List<byte>();
        Str(attribute, 1, "value");
        Msg(attribute, 5, tensor);
        Varint(attribute, 20, 4);
        var node = new List<byte>();
        Str(node, 2, "z");
        Str(node, 4, "Constant");
        Msg(node, 5, attribute);
        var graph = new List<byte>();
        Msg(graph, 1, node);
        Str(graph, 2, "g");
        Msg(graph, 12, ValueInfo("z", new Input("z", TensorElementType.Float, [.. dims.Cast<object>()])));
        return ModelOf(graph);
    }

    /// <summary>
    /// Writes y = x · W, W an n×n float32 initializer of small random values, to a file without holding W in memory
    /// (it is streamed out in 1 MiB chunks): a model of any size for the registration memory harness.
    /// </summary>
    public static void WriteLargeMatMul(string path, int n)
    {
        var weightBytes = (long)n * n * 4;
        var tensorHead = new List<byte>();
        Varint(tensorHead, 1, (ulong)n);
        Varint(tensorHead, 1, (ulong)n);
        Varint(tensorHead, 2, (ulong)TensorElementType.Float);
        Str(tensorHead, 8, "w");
        var rawDataHead = new List<byte>();
        LengthPrefix(rawDataHead, 9, weightBytes);
        var tensorLength = tensorHead.Count + rawDataHead.Count + weightBytes;

        var input = new Input("x", TensorElementType.Float, "batch", (long)n);
        var graph = new List<byte>();
        var node = new List<byte>();
        Str(node, 1, "x");
        Str(node, 1, "w");
        Str(node, 2, "y");
        Str(node, 4, "MatMul");
        Msg(graph, 1, node);
        Str(graph, 2, "big");
        Msg(graph, 11, ValueInfo("x", input));
        Msg(graph, 12, ValueInfo("y", input));
        var initializerHead = new List<byte>();
        LengthPrefix(initializerHead, 5, tensorLength);

        var model = new List<byte>();
        Varint(model, 1, 8);
        Str(model, 2, "cloud-tests");
        var opset = new List<byte>();
        Varint(opset, 2, 17);
        Msg(model, 8, opset);
        LengthPrefix(model, 7, graph.Count + initializerHead.Count + tensorLength);

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        foreach (var part in new[] { model, graph, initializerHead, tensorHead, rawDataHead })
        {
            file.Write(part.ToArray());
        }

        var chunk = new byte[1 << 20];
        var random = new Random(7);
        for (long written = 0; written < weightBytes; written += chunk.Length)
        {
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(chunk.AsSpan());
            for (var i = 0; i < floats.Length; i++)
            {
                floats[i] = (float)(random.NextDouble() - 0.5) * 0.01f;
            }

            file.Write(chunk, 0, (int)Math.Min(chunk.Length, weightBytes - written));
        }
    }

    /// <summary>
    /// y = x + W^(k+1), W an n×n float32 initializer: the k MatMuls of W by itself have only constant inputs, so ONNX
    /// Runtime folds them while it loads the model (constant folding is a basic optimization), one n³ product after the
    /// other on the session's one thread. A small file (4 n² bytes) that takes seconds to load: a stand-in for the big
    /// model whose inspection a test needs to catch while it runs. (GraphProto.initializer (5); TensorProto.name (8).)
    /// </summary>
    public static byte[] SlowToLoad(int n, int products)
    {
        var weights = new float[n * n];
        var random = new Random(11);
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() - 0.5) / n;
        }

        var tensor = new List<byte>();
        Varint(tensor, 1, (ulong)n);
        Varint(tensor, 1, (ulong)n);
        Varint(tensor, 2, (ulong)TensorElementType.Float);
        Str(tensor, 8, "w");
        Msg(tensor, 9, [.. System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()).ToArray()]);
        var graph = new List<byte>();
        var previous = "w";
        for (var k = 1; k <= products; k++)
        {
            var node = new List<byte>();
            Str(node, 1, previous);
            Str(node, 1, "w");
            Str(node, 2, previous = $"p{k}");
            Str(node, 4, "MatMul");
            Msg(graph, 1, node);
        }

        var add = new List<byte>();
        Str(add, 1, "x");
        Str(add, 1, previous);
        Str(add, 2, "y");
        Str(add, 4, "Add");
        Msg(graph, 1, add);
        Str(graph, 2, "slow");
        Msg(graph, 5, tensor);
        var square = new Input("x", TensorElementType.Float, (long)n, (long)n);
        Msg(graph, 11, ValueInfo("x", square));
        Msg(graph, 12, ValueInfo("y", square));
        return ModelOf(graph);
    }

    /// <summary>ModelProto around a graph: ir_version 8 (1), opset_import (8) of ai.onnx 17, graph (7).</summary>
    private static byte[] ModelOf(List<byte> graph)
    {
        var opset = new List<byte>();
        Str(opset, 1, "");
        Varint(opset, 2, 17);
        var model = new List<byte>();
        Varint(model, 1, 8);
        Msg(model, 8, opset);
        Msg(model, 7, graph);
        return [.. model];
    }

    private static List<byte> ValueInfo(string name, Input input)
    {
        var shape = new List<byte>();
        foreach (var dim in input.Dims)
        {
            var d = new List<byte>();
            if (dim is string symbol)
            {
                Str(d, 2, symbol);
            }
            else
            {
                Varint(d, 1, Convert.ToUInt64(dim, System.Globalization.CultureInfo.InvariantCulture));
            }

            Msg(shape, 1, d);
        }

        var tensor = new List<byte>();
        Varint(tensor, 1, (ulong)input.Type);
        Msg(tensor, 2, shape);
        var type = new List<byte>();
        Msg(type, 1, tensor);
        var info = new List<byte>();
        Str(info, 1, name);
        Msg(info, 2, type);
        return info;
    }

    private static void Varint(List<byte> to, int field, ulong value)
    {
        Raw(to, (ulong)(field << 3));
        Raw(to, value);
    }

    private static void Str(List<byte> to, int field, string value) => Msg(to, field, [.. System.Text.Encoding.UTF8.GetBytes(value)]);

    private static void Msg(List<byte> to, int field, List<byte> body)
    {
        Raw(to, (ulong)((field << 3) | 2));
        Raw(to, (ulong)body.Count);
        to.AddRange(body);
    }

    /// <summary>The tag and length of a length-delimited field whose body is written after it (streamed).</summary>
    private static void LengthPrefix(List<byte> to, int field, long length)
    {
        Raw(to, (ulong)((field << 3) | 2));
        Raw(to, (ulong)length);
    }

    private static void Raw(List<byte> to, ulong value)
    {
        while (value >= 0x80)
        {
            to.Add((byte)(value | 0x80));
            value >>= 7;
        }

        to.Add((byte)value);
    }
}
