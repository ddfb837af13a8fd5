namespace Cloud.Benchmarks;

/// <summary>
/// Input data for the benchmarks. node/bench.mjs fills its inputs with the same formula, so both bindings
/// feed ORT identical bytes (the models' cost does not depend on the values, but identical is simplest to trust).
/// </summary>
internal static class BenchmarkInputs
{
    /// <summary>Element i is ((i * 37) mod 101) / 101: values in [0, 1), not constant, exactly reproducible in JavaScript.</summary>
    public static float[] Create(int length)
    {
        var data = new float[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = (float)((i * 37 % 101) / 101.0);
        }

        return data;
    }
}
