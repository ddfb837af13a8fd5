using System.Text.Json;
using Cloud.Registry.Onnx;
using Cloud.Serving.Tensors;

namespace Cloud.Serving.Protocols.OipV2;

/// <summary>The Open Inference Protocol's tensor datatypes and the ONNX element types they stand for.</summary>
internal static class OipV2DataTypes
{
    private static readonly (string Name, byte[] Utf8, TensorElementType Type)[] Table =
    [
        ("BOOL", "BOOL"u8.ToArray(), TensorElementType.Bool),
        ("UINT8", "UINT8"u8.ToArray(), TensorElementType.UInt8),
        ("UINT16", "UINT16"u8.ToArray(), TensorElementType.UInt16),
        ("UINT32", "UINT32"u8.ToArray(), TensorElementType.UInt32),
        ("UINT64", "UINT64"u8.ToArray(), TensorElementType.UInt64),
        ("INT8", "INT8"u8.ToArray(), TensorElementType.Int8),
        ("INT16", "INT16"u8.ToArray(), TensorElementType.Int16),
        ("INT32", "INT32"u8.ToArray(), TensorElementType.Int32),
        ("INT64", "INT64"u8.ToArray(), TensorElementType.Int64),
        ("FP16", "FP16"u8.ToArray(), TensorElementType.Float16),
        ("FP32", "FP32"u8.ToArray(), TensorElementType.Float),
        ("FP64", "FP64"u8.ToArray(), TensorElementType.Double),
        ("BYTES", "BYTES"u8.ToArray(), TensorElementType.String),

        // Raw only (binary tensor data, gRPC raw contents): JSON has no form for it.
        ("BF16", "BF16"u8.ToArray(), TensorElementType.BFloat16),
    ];

    /// <summary>The datatypes requests may use, for messages.</summary>
    public static string SupportedText { get; } = string.Join(", ", Table.Select(t => t.Name));

    /// <summary>The protocol's name for an element type; "" for types it has none for (complex).</summary>
    public static string Name(TensorElementType type)
    {
        foreach (var entry in Table)
        {
            if (entry.Type == type)
            {
                return entry.Name;
            }
        }

        return "";
    }

    /// <summary>The element type <paramref name="name"/> names; <see cref="TensorElementTypes.Undefined"/> when none.</summary>
    public static TensorElementType Parse(string name)
    {
        foreach (var entry in Table)
        {
            if (entry.Name == name)
            {
                return entry.Type;
            }
        }

        return TensorElementTypes.Undefined;
    }

    /// <summary>The element type named by the current string token; <see cref="TensorElementTypes.Undefined"/> when none.</summary>
    public static TensorElementType Parse(ref Utf8JsonReader reader)
    {
        foreach (var entry in Table)
        {
            if (reader.ValueTextEquals(entry.Utf8))
            {
                return entry.Type;
            }
        }

        return TensorElementTypes.Undefined;
    }
}
