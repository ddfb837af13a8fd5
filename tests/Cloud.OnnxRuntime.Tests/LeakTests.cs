using System.Diagnostics;

namespace Cloud.OnnxRuntime.Tests;

/// <summary>Tests that measure the process's memory, so nothing else may run beside them.</summary>
[CollectionDefinition(nameof(ProcessMemory), DisableParallelization = true)]
public sealed class ProcessMemory;

/// <summary>
/// Thousands of create/run/dispose cycles must not grow native memory. We watch the process's resident set
/// (native allocations do not show in the GC heap): after a warm-up that lets ORT's arenas and thread pools reach
/// their steady size, further cycles may add only noise.
/// </summary>
[Collection(nameof(ProcessMemory))]
public sealed class LeakTests
{
    // A leaked session of add_float costs tens of KB (graph, kernels, allocator state); 2,000 of them would add
    // far more than this bound, while allocator noise stays well under it.
    private const long AllowedGrowthBytes = 24L * 1024 * 1024;

    [Fact]
    public void CreateRunDisposeCyclesDoNotGrowMemory()
    {
        var model = File.ReadAllBytes(Samples.Tiny("add_float.onnx"));
        var a = Tensor.Create(new float[64 * 4], 64, 4);
        void Cycle()
        {
            using var session = InferenceSession.FromBytes(model, new SessionOptions { IntraOpThreads = 1 });
            _ = session.Run([new("a", a), new("b", a)]);
            _ = session.Metadata;
        }

        var growth = MeasureGrowth(Cycle, warmup: 300, cycles: 2_000);

        Assert.True(growth < AllowedGrowthBytes, $"Resident memory grew by {growth / 1024} KB over 2,000 create/run/dispose cycles.");
    }

    [Fact]
    public void RunsWithStringsAndErrorsDoNotGrowMemory()
    {
        using var strings = InferenceSession.Open(Samples.Tiny("identity_string.onnx"));
        using var floats = InferenceSession.Open(Samples.Tiny("add_float.onnx"));
        var text = Tensor.CreateStrings(Enumerable.Range(0, 300).Select(i => new string('x', i)).ToArray(), 100, 3);
        var wrongShape = Tensor.Create(new float[12], 3, 4);
        var right = Tensor.Create(new float[8], 2, 4);
        void Cycle()
        {
            _ = strings.Run("x", text);
            try
            {
                // Fails inside ORT (batch 3 vs batch 2 for the broadcast Add), exercising the status-release path.
                floats.Run([new("a", wrongShape), new("b", right)]);
            }
            catch (OnnxRuntimeException)
            {
            }
        }

        var growth = MeasureGrowth(Cycle, warmup: 500, cycles: 5_000);

        Assert.True(growth < AllowedGrowthBytes, $"Resident memory grew by {growth / 1024} KB over 5,000 string runs and failed runs.");
    }

    private static long MeasureGrowth(Action cycle, int warmup, int cycles)
    {
        for (var i = 0; i < warmup; i++)
        {
            cycle();
        }

        var before = SettledResidentBytes();
        for (var i = 0; i < cycles; i++)
        {
            cycle();
        }

        return SettledResidentBytes() - before;
    }

    private static long SettledResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
