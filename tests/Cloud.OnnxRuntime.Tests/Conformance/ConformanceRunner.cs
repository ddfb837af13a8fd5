using System.Diagnostics;

namespace Cloud.OnnxRuntime.Tests.Conformance;

/// <summary>Runs one backend test case with the binding and classifies it.</summary>
internal static class ConformanceRunner
{
    public static CaseResult Run(BackendTestCase testCase, SessionOptions options)
    {
        var clock = Stopwatch.StartNew();
        var (outcome, reason) = Classify(testCase, options);
        return new CaseResult(testCase, outcome, reason, clock.Elapsed);
    }

    private static (CaseOutcome Outcome, string Reason) Classify(BackendTestCase testCase, SessionOptions options)
    {
        InferenceSession session;
        try
        {
            session = InferenceSession.Open(testCase.ModelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            return (CaseOutcome.UnsupportedByOrt, $"load: {e.ErrorCode}: {OneLine(e.Message)}");
        }

        using (session)
        {
            if (UnsupportedSignature(session) is { } unsupported)
            {
                return (CaseOutcome.UnsupportedByBinding, unsupported);
            }

            var dataSets = testCase.DataSets();
            if (dataSets.Count == 0)
            {
                // A case with nothing to compare must not count as passed.
                return (CaseOutcome.Failed, "no test_data_set_N folder");
            }

            var tolerance = ToleranceOverrides.For(testCase.Id);
            foreach (var dataSetPath in dataSets)
            {
                var dataSet = Path.GetFileName(dataSetPath);
                try
                {
                    var data = BackendTestCase.Load(dataSetPath, session);
                    var actual = session.Run(data.Inputs);
                    for (var k = 0; k < data.ExpectedOutputs.Count; k++)
                    {
                        var (name, expected) = data.ExpectedOutputs[k];
                        if (OutputComparer.Compare(expected, actual[name], tolerance) is { } difference)
                        {
                            return (CaseOutcome.Failed, $"{dataSet} output {k} '{name}': {difference}");
                        }
                    }
                }
                catch (UnsupportedByBindingException e)
                {
                    return (CaseOutcome.UnsupportedByBinding, $"{dataSet}: {e.Message}");
                }
                catch (OnnxRuntimeException e) when (e.ErrorCode == OrtErrorCode.NotImplemented)
                {
                    // ORT reports a missing kernel for a type or attribute combination when it runs, not when it loads.
                    return (CaseOutcome.UnsupportedByOrt, $"run {dataSet}: {e.ErrorCode}: {OneLine(e.Message)}");
                }
#pragma warning disable CA1031 // Any other exception is a failure of this case to report, not a reason to stop the suite.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    var code = e is OnnxRuntimeException ort ? $"{ort.ErrorCode}: " : $"{e.GetType().Name}: ";
                    return (CaseOutcome.Failed, $"{dataSet} threw {code}{OneLine(e.Message)}");
                }
            }
        }

        return (CaseOutcome.Passed, string.Empty);
    }

    /// <summary>
    /// Why the model's signature is beyond the binding, or null. This is also what tells a TensorProto file from a
    /// SequenceProto, MapProto or OptionalProto one: the backend data names them all input_K.pb / output_K.pb.
    /// </summary>
    private static string? UnsupportedSignature(InferenceSession session)
    {
        foreach (var (kind, nodes) in new[] { ("input", session.Inputs), ("output", session.Outputs) })
        {
            for (var k = 0; k < nodes.Count; k++)
            {
                var node = nodes[k];
                if (node.ValueType != OnnxValueType.Tensor)
                {
                    return $"{kind} {k} '{node.Name}' is {node.ValueType}, not a tensor " +
                        $"({kind}_{k}.pb holds {node.ValueType}Proto); the binding feeds and reads tensors only";
                }

                if (node.ElementType is TensorElementType.BFloat16 or TensorElementType.Complex64 or TensorElementType.Complex128)
                {
                    return $"{kind} {k} '{node.Name}' is {TensorElementTypes.Name(node.ElementType)}, which the binding has no tensor type for";
                }
            }
        }

        return null;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
