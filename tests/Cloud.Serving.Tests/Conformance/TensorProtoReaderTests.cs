using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

using Cloud.TestSupport.Conformance;

namespace Cloud.Serving.Tests.Conformance;

/// <summary>
/// The TensorProto reader against hand-encoded messages. Each byte is written out from the protobuf encoding
/// rules (key = field &lt;&lt; 3 | wire type; varints little-endian in 7-bit groups), not produced by the reader's code.
/// These need no test data package.
/// </summary>
public sealed class TensorProtoReaderTests
{
    [Fact]
    public void UnpackedDimsAndSignExtendedInt32DataReadAsInt8()
    {
        byte[] proto =
        [
            0x08, 0x03,                                                       // dims: 3 (unpacked)
            0x10, 0x03,                                                       // data_type: INT8
            0x28, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, // int32_data: -1, sign-extended to 10 bytes
            0x28, 0x7F,                                                       // int32_data: 127
            0x28, 0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, // int32_data: -128
        ];

        var tensor = Assert.IsType<DenseTensor<sbyte>>(TensorProtoReader.Read(proto).Value);

        Assert.Equal([3L], tensor.Shape);
        Assert.Equal(new sbyte[] { -1, 127, -128 }, tensor.ToArray());
    }

    [Fact]
    public void Float16ComesFromInt32DataBitPatterns()
    {
        byte[] proto =
        [
            0x0A, 0x02, 0x01, 0x02,             // dims: [1, 2] (packed)
            0x10, 0x0A,                         // data_type: FLOAT16
            0x2A, 0x05, 0x80, 0x78, 0x80, 0x80, 0x03, // int32_data packed: 0x3C00 (1.0), 0xC000 (-2.0)
        ];

        var tensor = Assert.IsType<DenseTensor<Half>>(TensorProtoReader.Read(proto).Value);

        Assert.Equal([1L, 2L], tensor.Shape);
        Assert.Equal(new[] { (Half)1, (Half)(-2) }, tensor.ToArray());
    }

    [Fact]
    public void ProtoWithoutDimsIsAScalar()
    {
        byte[] proto =
        [
            0x10, 0x07,       // data_type: INT64
            0x3A, 0x01, 0x2A, // int64_data packed: 42
        ];

        var tensor = Assert.IsType<DenseTensor<long>>(TensorProtoReader.Read(proto).Value);

        Assert.Empty(tensor.Shape);
        Assert.Equal(new long[] { 42 }, tensor.ToArray());
    }

    [Fact]
    public void RawDataIsLittleEndianAndNameIsKept()
    {
        byte[] proto =
        [
            0x08, 0x02,                 // dims: 2
            0x10, 0x06,                 // data_type: INT32
            0x42, 0x01, (byte)'x',      // name: "x"
            0x62, 0x02, (byte)'h', (byte)'i', // doc_string (field 12), which the reader skips
            0x4A, 0x08, 0x01, 0x00, 0x00, 0x00, 0xFE, 0xFF, 0xFF, 0xFF, // raw_data: 1, -2
        ];

        var (name, value) = TensorProtoReader.Read(proto);

        Assert.Equal("x", name);
        Assert.Equal(new[] { 1, -2 }, Assert.IsType<DenseTensor<int>>(value).ToArray());
    }

    [Fact]
    public void UInt32ComesFromUInt64Data()
    {
        byte[] proto =
        [
            0x08, 0x02,                                     // dims: 2
            0x10, 0x0C,                                     // data_type: UINT32
            0x5A, 0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01, // uint64_data packed: 4294967295, 1
        ];

        var tensor = Assert.IsType<DenseTensor<uint>>(TensorProtoReader.Read(proto).Value);

        Assert.Equal(new[] { uint.MaxValue, 1u }, tensor.ToArray());
    }

    [Fact]
    public void DoubleDataAndUnpackedFloatDataAreRead()
    {
        byte[] doubles =
        [
            0x08, 0x01,                                                 // dims: 1
            0x10, 0x0B,                                                 // data_type: DOUBLE
            0x52, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F, // double_data packed: 1.5
        ];
        byte[] floats =
        [
            0x08, 0x01,                         // dims: 1
            0x10, 0x01,                         // data_type: FLOAT
            0x25, 0x00, 0x00, 0x20, 0xC0,       // float_data, one unpacked fixed32: -2.5
        ];

        Assert.Equal(new[] { 1.5 }, Assert.IsType<DenseTensor<double>>(TensorProtoReader.Read(doubles).Value).ToArray());
        Assert.Equal(new[] { -2.5f }, Assert.IsType<DenseTensor<float>>(TensorProtoReader.Read(floats).Value).ToArray());
    }

    [Fact]
    public void BoolRawDataAndStringDataAreRead()
    {
        byte[] bools =
        [
            0x08, 0x03,                   // dims: 3
            0x10, 0x09,                   // data_type: BOOL
            0x4A, 0x03, 0x01, 0x00, 0x01, // raw_data: true, false, true
        ];
        byte[] strings =
        [
            0x08, 0x02,                         // dims: 2
            0x10, 0x08,                         // data_type: STRING
            0x32, 0x02, (byte)'h', (byte)'i',   // string_data: "hi"
            0x32, 0x02, 0xC3, 0xA9,             // string_data: "é" in UTF-8
        ];

        Assert.Equal(new[] { true, false, true }, Assert.IsType<DenseTensor<bool>>(TensorProtoReader.Read(bools).Value).ToArray());
        Assert.Equal(["hi", "é"], Assert.IsType<StringTensor>(TensorProtoReader.Read(strings).Value).Values);
    }

    [Fact]
    public void BFloat16ReadsAsItsBitPattern()
    {
        byte[] bfloat16 = [0x08, 0x01, 0x10, 0x10, 0x4A, 0x02, 0x80, 0x3F];   // BFLOAT16 raw_data: 0x3F80, which is 1.0

        var value = Assert.IsType<DenseTensor<Microsoft.ML.OnnxRuntime.BFloat16>>(TensorProtoReader.Read(bfloat16).Value);
        Assert.Equal(1.0f, (float)value.Span[0]);
    }

    [Fact]
    public void ValuesServingCannotHoldAreUnsupported()
    {
        byte[] invalidUtf8 = [0x08, 0x01, 0x10, 0x08, 0x32, 0x01, 0xFF];      // string_data: the byte 0xFF
        byte[] complex = [0x08, 0x01, 0x10, 0x0E, 0x4A, 0x08, 0, 0, 0x80, 0x3F, 0, 0, 0, 0];   // COMPLEX64 raw_data: 1+0i
        byte[] external = [0x08, 0x01, 0x10, 0x01, 0x70, 0x01];               // data_location: EXTERNAL

        Assert.Throws<UnsupportedByServingException>(() => TensorProtoReader.Read(invalidUtf8));
        Assert.Throws<UnsupportedByServingException>(() => TensorProtoReader.Read(complex));
        Assert.Throws<UnsupportedByServingException>(() => TensorProtoReader.Read(external));
    }

    [Fact]
    public void MalformedMessagesAreInvalidData()
    {
        byte[] truncated = [0x08, 0x01, 0x10, 0x01, 0x4A, 0x04, 0x00]; // raw_data claims 4 bytes, has 1
        byte[] wrongSize = [0x08, 0x02, 0x10, 0x01, 0x4A, 0x04, 0x00, 0x00, 0x80, 0x3F]; // 2 floats need 8 bytes
        byte[] wrongCount = [0x08, 0x02, 0x10, 0x07, 0x3A, 0x01, 0x05];   // 2 int64 needed, 1 given

        Assert.Throws<InvalidDataException>(() => TensorProtoReader.Read(truncated));
        Assert.Throws<InvalidDataException>(() => TensorProtoReader.Read(wrongSize));
        Assert.Throws<InvalidDataException>(() => TensorProtoReader.Read(wrongCount));
    }
}
