using System.Globalization;

using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>
/// One ONNX backend test case: a folder with model.onnx and test_data_set_N/ folders of input_K.pb and
/// output_K.pb. Inputs match the model's inputs and outputs its outputs by position (K), as in onnx's own runner.
/// </summary>
/// <param name="Folder">The case folder's parent: node, pytorch-converted, ...</param>
/// <param name="Name">The case folder's name, e.g. test_abs.</param>
/// <param name="Directory">The case folder.</param>
internal sealed record BackendTestCase(string Folder, string Name, string Directory)
{
    private const string DataSetPrefix = "test_data_set_";

    /// <summary>folder/name: unique across folders, and the key of <see cref="KnownFailures"/>.</summary>
    public string Id => $"{Folder}/{Name}";

    public string ModelPath => Path.Combine(Directory, "model.onnx");

    /// <summary>Every case under <paramref name="root"/>/<paramref name="folder"/>, ordered by name.</summary>
    public static IReadOnlyList<BackendTestCase> Discover(string root, string folder) =>
        new DirectoryInfo(Path.Combine(root, folder)).EnumerateDirectories()
            .Where(d => File.Exists(Path.Combine(d.FullName, "model.onnx")))
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => new BackendTestCase(folder, d.Name, d.FullName))
            .ToList();

    /// <summary>The test_data_set_N folders, by N.</summary>
    public IReadOnlyList<string> DataSets() =>
        System.IO.Directory.EnumerateDirectories(Directory, DataSetPrefix + "*")
            .Select(path => (Path: path, Index: Index(Path.GetFileName(path), DataSetPrefix)))
            .OrderBy(d => d.Index)
            .Select(d => d.Path)
            .ToList();

    /// <summary>The input_K.pb or output_K.pb files of a data set, by K; K must run 0, 1, 2, ... without gaps.</summary>
    public static IReadOnlyList<string> Files(string dataSet, string prefix)
    {
        var files = System.IO.Directory.EnumerateFiles(dataSet, prefix + "_*.pb")
            .Select(path => (Path: path, Index: Index(Path.GetFileNameWithoutExtension(path), prefix + "_")))
            .OrderBy(f => f.Index)
            .ToList();
        for (var k = 0; k < files.Count; k++)
        {
            if (files[k].Index != k)
            {
                throw new InvalidDataException($"{dataSet} has {prefix}_{files[k].Index}.pb but no {prefix}_{k}.pb.");
            }
        }

        return files.Select(f => f.Path).ToList();
    }

    /// <summary>
    /// Loads one data set for <paramref name="session"/>: the inputs named after the model's inputs, and the expected
    /// outputs in the model's output order. The caller has already checked that every input and output the files
    /// stand for is a tensor, since only then are the files TensorProtos.
    /// </summary>
    public static BackendDataSet Load(string dataSet, SessionRunner session)
    {
        var inputFiles = Files(dataSet, "input");
        var outputFiles = Files(dataSet, "output");
        if (inputFiles.Count != session.Inputs.Count)
        {
            throw new InvalidDataException(
                $"{Path.GetFileName(dataSet)} has {inputFiles.Count} input files; the model has {session.Inputs.Count} inputs ({string.Join(", ", session.Inputs)}).");
        }

        if (outputFiles.Count != session.Outputs.Count)
        {
            throw new InvalidDataException(
                $"{Path.GetFileName(dataSet)} has {outputFiles.Count} output files; the model has {session.Outputs.Count} outputs ({string.Join(", ", session.Outputs)}).");
        }

        var inputs = new NamedTensor[inputFiles.Count];
        for (var k = 0; k < inputs.Length; k++)
        {
            inputs[k] = new NamedTensor(session.Inputs[k].Name, AsBFloat16Where(session.Inputs[k].ElementType, TensorProtoReader.Read(inputFiles[k]).Value));
        }

        var expected = new NamedTensor[outputFiles.Count];
        for (var k = 0; k < expected.Length; k++)
        {
            expected[k] = new NamedTensor(session.Outputs[k].Name, AsBFloat16Where(session.Outputs[k].ElementType, TensorProtoReader.Read(outputFiles[k]).Value));
        }

        return new BackendDataSet(Path.GetFileName(dataSet), inputs, expected);
    }

    /// <summary>
    /// numpy has no bfloat16, so ONNX's generator stores a bfloat16 tensor's bit patterns as UINT16 (the Cast cases);
    /// where the model's input or output is bfloat16, the data is read back as the bfloat16 values they are.
    /// </summary>
    private static Tensor AsBFloat16Where(TensorElementType modelType, Tensor tensor) =>
        modelType == TensorElementType.BFloat16 && tensor is DenseTensor<ushort> bits
            ? new DenseTensor<BFloat16>(System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, BFloat16>(bits.Span).ToArray(), bits.ShapeSpan)
            : tensor;

    private static int Index(string name, string prefix) =>
        name.StartsWith(prefix, StringComparison.Ordinal)
        && int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : throw new InvalidDataException($"'{name}' is not named {prefix}N.");
}
