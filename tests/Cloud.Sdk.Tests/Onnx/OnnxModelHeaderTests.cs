using Cloud.Sdk.Onnx;

namespace Cloud.Sdk.Tests.Onnx;

public sealed class OnnxModelHeaderTests
{
    [Fact]
    public void IrisHeaderGivesTheTrainersOpsetAndProducer()
    {
        using var file = File.OpenRead(SampleModels.Iris("model.onnx"));
        var header = OnnxModelHeader.Read(file);

        // samples/trainers/logreg/train.py writes IR version 8, opset 17 of the default domain.
        Assert.Equal(8, header.IrVersion);
        Assert.Equal(17, header.Opsets[""]);
        Assert.Equal("cloud-samples-logreg", header.ProducerName);
        Assert.Equal("1.0", header.ProducerVersion);
        Assert.True(header.HasGraph);
    }

    [Fact]
    public void NonSeekableStreamsGiveTheSameHeader()
    {
        var bytes = File.ReadAllBytes(SampleModels.Bench("cnn", "model.onnx"));
        var seekable = OnnxModelHeader.Read(new MemoryStream(bytes));
        var forwardOnly = OnnxModelHeader.Read(new ForwardOnlyStream(new MemoryStream(bytes)));
        Assert.Equal(seekable.IrVersion, forwardOnly.IrVersion);
        Assert.Equal(seekable.Opsets, forwardOnly.Opsets);
    }

    [Theory]
    [InlineData("not_a_model.onnx")]
    [InlineData("truncated.onnx")]
    public void CorruptFilesAreNotOnnx(string file)
    {
        using var stream = File.OpenRead(SampleModels.Tiny(file));
        var error = Assert.Throws<InvalidDataException>(() => OnnxModelHeader.Read(stream));
        Assert.StartsWith("The file is not an ONNX model: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextIsNotOnnx()
    {
        var error = Assert.Throws<InvalidDataException>(() => OnnxModelHeader.Read(new MemoryStream("{\"name\": \"iris\"}"u8.ToArray())));
        Assert.StartsWith("The file is not an ONNX model: ", error.Message, StringComparison.Ordinal);
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 7));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
