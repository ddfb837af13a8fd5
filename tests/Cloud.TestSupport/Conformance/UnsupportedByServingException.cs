using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>
/// A case holds a value our tensors cannot represent (a sequence, bfloat16, complex, external data, bytes that
/// are not UTF-8, ...). Thrown while loading a case so that it is classified as unsupported, not as failed.
/// </summary>
internal sealed class UnsupportedByServingException(string message) : Exception(message);
