namespace Cloud.Serving.Models;

/// <summary>Reads the setting Cloud:Cache:ExecutionProvider.</summary>
internal static class ExecutionProviders
{
    public const string Setting = "Cloud:Cache:ExecutionProvider";

    /// <summary>The choice the setting names, or null when it names none (see <see cref="Problem"/>).</summary>
    public static ExecutionProviderChoice? TryParse(string? value) =>
        (value ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "CPU" => ExecutionProviderChoice.Cpu,
            "CUDA" => ExecutionProviderChoice.Cuda,
            "CUDA,CPU" => ExecutionProviderChoice.CudaThenCpu,
            _ => null,
        };

    /// <summary>Why the setting is invalid, naming it, or null when it is valid.</summary>
    public static string? Problem(string? value) => TryParse(value) is null
        ? $"{Setting} is '{value}'; it must be cpu, cuda or 'cuda,cpu' (CUDA where it starts, else CPU)."
        : null;

    public static ExecutionProviderChoice Parse(string? value) =>
        TryParse(value) ?? throw new ArgumentException(Problem(value), nameof(value));
}
