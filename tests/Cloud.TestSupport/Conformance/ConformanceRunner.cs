using System.Diagnostics;
using Cloud.Registry.Onnx;

using Cloud.Serving.Models;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.TestSupport.Conformance;

/// <summary>Runs one backend test case through the serving code's <see cref="SessionRunner"/> and ORT, and classifies it.</summary>
internal static class ConformanceRunner
{
    public static CaseResult Run(BackendTestCase testCase, Microsoft.ML.OnnxRuntime.SessionOptions options)
    {
        var clock = Stopwatch.StartNew();
        var (outcome, reason) = Classify(testCase, options);
        return new CaseResult(testCase, outcome, reason, clock.Elapsed);
    }

    private static (CaseOutcome Outcome, string Reason) Classify(BackendTestCase testCase, Microsoft.ML.OnnxRuntime.SessionOptions options)
    {
        InferenceSession session;
        try
        {
            session = new InferenceSession(testCase.ModelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            return (CaseOutcome.UnsupportedByOrt, $"load: {OneLine(e.Message)}");
        }

        using (session)
        {
            var runner = new SessionRunner(session);
            if (UnsupportedSignature(runner) is { } unsupported)
            {
                return (CaseOutcome.UnsupportedByServing, unsupported);
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
                    var data = BackendTestCase.Load(dataSetPath, runner);
                    var actual = runner.Run(data.Inputs);
                    for (var k = 0; k < data.ExpectedOutputs.Count; k++)
                    {
                        var (name, expected) = data.ExpectedOutputs[k];
                        if (OutputComparer.Compare(expected, actual.Single(o => o.Name == name).Value, tolerance) is { } difference)
                        {
                            return (CaseOutcome.Failed, $"{dataSet} output {k} '{name}': {difference}");
                        }
                    }
                }
                catch (UnsupportedByServingException e)
                {
                    return (CaseOutcome.UnsupportedByServing, $"{dataSet}: {e.Message}");
                }
                catch (OnnxRuntimeException e) when (OrtErrors.CodeOf(e) == OrtErrors.NotImplemented)
                {
                    // ORT reports a missing kernel for a type or attribute combination when it runs, not when it loads.
                    return (CaseOutcome.UnsupportedByOrt, $"run {dataSet}: {OneLine(e.Message)}");
                }
#pragma warning disable CA1031 // Any other exception is a failure of this case to report, not a reason to stop the suite.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    var code = e is OnnxRuntimeException ? string.Empty : $"{e.GetType().Name}: ";
                    return (CaseOutcome.Failed, $"{dataSet} threw {code}{OneLine(e.Message)}");
                }
            }
        }

        return (CaseOutcome.Passed, string.Empty);
    }

    /// <summary>
    /// Why the model's signature is beyond what serving feeds and reads, or null. This is also what tells a TensorProto file from a
    /// SequenceProto, MapProto or OptionalProto one: the backend data names them all input_K.pb / output_K.pb.
    /// </summary>
    private static string? UnsupportedSignature(SessionRunner session)
    {
        foreach (var (kind, nodes) in new[] { ("input", session.Inputs), ("output", session.Outputs) })
        {
            for (var k = 0; k < nodes.Count; k++)
            {
                var node = nodes[k];
                if (!node.IsTensor)
                {
                    return $"{kind} {k} '{node.Name}' is {node.ValueTypeText}, not a tensor " +
                        $"({kind}_{k}.pb holds {node.ValueTypeText}Proto); serving feeds and reads tensors only";
                }

                if (!Cloud.Serving.Protocols.Tensors.ElementKinds.IsSupported(node.ElementType))
                {
                    return $"{kind} {k} '{node.Name}' is {TensorElementTypes.Name(node.ElementType)}, which serving has no tensor type for";
                }
            }
        }

        return null;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
