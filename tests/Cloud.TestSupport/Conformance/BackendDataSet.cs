using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>One test_data_set_N of a case, loaded: what to feed and what must come out.</summary>
/// <param name="Name">test_data_set_N.</param>
/// <param name="Inputs">One tensor per model input, named after it.</param>
/// <param name="ExpectedOutputs">One tensor per model output, named after it, in the model's output order.</param>
internal sealed record BackendDataSet(string Name, IReadOnlyList<NamedTensor> Inputs, IReadOnlyList<NamedTensor> ExpectedOutputs);
