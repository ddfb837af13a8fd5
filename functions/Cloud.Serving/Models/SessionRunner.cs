using System.Buffers;
using Cloud.Registry.Onnx;
using Cloud.Serving.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Cloud.Serving.Models;

/// <summary>
/// Runs one ORT session on the codecs' tensors: inputs go to ORT as values over their own memory (no copy), the
/// name arrays ORT wants are built once per session, and a cancellation token stops a run through
/// <see cref="RunOptions.Terminate"/>. Thread-safe like the session itself.
/// </summary>
internal sealed class SessionRunner
{
    // Runs that cannot be cancelled share one RunOptions: nothing ever sets Terminate on it.
    private static readonly RunOptions Uncancellable = new();

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    public SessionRunner(InferenceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _inputNames = [.. session.InputNames];
        _outputNames = [.. session.OutputNames];
        Inputs = ModelNode.InputsOf(session);
        Outputs = ModelNode.OutputsOf(session);
    }

    public InferenceSession Session => _session;

    /// <summary>The model's inputs, in declaration order.</summary>
    public IReadOnlyList<ModelNode> Inputs { get; }

    /// <summary>The model's outputs, in declaration order.</summary>
    public IReadOnlyList<ModelNode> Outputs { get; }

    /// <summary>
    /// Runs the model and returns ORT's own output values (the caller disposes them), in the order of
    /// <paramref name="outputNames"/>, or all in declaration order when it is null.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled before or during the run.</exception>
    /// <exception cref="OnnxRuntimeException">ORT refused the inputs or failed (see <c>OrtErrors</c>).</exception>
    public IDisposableReadOnlyCollection<OrtValue> RunValues(IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? outputNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        cancellationToken.ThrowIfCancellationRequested();
        var count = inputs.Count;
        var values = new OrtValue[count];
        var pins = ArrayPool<MemoryHandle>.Shared.Rent(count);
        RunOptions? cancellable = null;
        CancellationTokenRegistration registration = default;
        try
        {
            for (var i = 0; i < count; i++)
            {
                values[i] = inputs[i].Value.ToOrtValue(out pins[i]);
            }

            var runOptions = Uncancellable;
            if (cancellationToken.CanBeCanceled)
            {
                cancellable = new RunOptions();
                registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, cancellable);
                runOptions = cancellable;
            }

            try
            {
                return _session.Run(runOptions, InputNames(inputs), values, outputNames ?? _outputNames);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The run was cancelled.", cancellationToken);
            }
        }
        finally
        {
            // The registration first: its callback may still touch the RunOptions until it is disposed.
            registration.Dispose();
            cancellable?.Dispose();
            for (var i = 0; i < count; i++)
            {
                values[i]?.Dispose();
                pins[i].Dispose();
            }

            ArrayPool<MemoryHandle>.Shared.Return(pins, clearArray: true);
        }
    }

    /// <summary>Runs the model and reads the outputs into managed tensors (one copy each), named as asked.</summary>
    public NamedTensor[] Run(IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default)
    {
        using var outputs = RunValues(inputs, outputNames, cancellationToken);
        var names = outputNames ?? _outputNames;
        var results = new NamedTensor[outputs.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = new NamedTensor(names[i], OutputTensors.Read(outputs[i], names[i]));
        }

        return results;
    }

    /// <summary>The names in the order of <paramref name="inputs"/>: the cached array when that is the model's order, as the codecs emit it.</summary>
    private string[] InputNames(IReadOnlyList<NamedTensor> inputs)
    {
        if (inputs.Count == _inputNames.Length)
        {
            var same = true;
            for (var i = 0; same && i < inputs.Count; i++)
            {
                same = string.Equals(inputs[i].Name, _inputNames[i], StringComparison.Ordinal);
            }

            if (same)
            {
                return _inputNames;
            }
        }

        var names = new string[inputs.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = inputs[i].Name;
        }

        return names;
    }
}
