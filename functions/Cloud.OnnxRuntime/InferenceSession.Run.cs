using System.Buffers;
using Cloud.OnnxRuntime.Native;

namespace Cloud.OnnxRuntime;

public sealed unsafe partial class InferenceSession
{
    // Runs with more inputs or outputs than this use heap arrays instead of the stack.
    private const int StackLimit = 16;

    /// <summary>
    /// Runs the model. Inputs are checked against the model's signature first, so a wrong name, element type,
    /// rank or fixed dimension gets a message naming the input and what was expected. Dense inputs are passed
    /// to ORT without copying; outputs are copied into new managed tensors.
    /// </summary>
    /// <param name="inputs">Every model input, by name.</param>
    /// <param name="outputNames">Outputs to compute, in the order wanted; null for all, in declaration order.</param>
    /// <param name="cancellationToken">Cancels the run: ORT stops at its next check and this throws <see cref="OperationCanceledException"/>.</param>
    public RunResult Run(IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        cancellationToken.ThrowIfCancellationRequested();

        var inputCount = inputs.Count;
        var outputCount = outputNames?.Count ?? Outputs.Count;
        Span<int> inputSlots = inputCount <= StackLimit ? stackalloc int[inputCount] : new int[inputCount];
        Span<int> outputSlots = outputCount <= StackLimit ? stackalloc int[outputCount] : new int[outputCount];
        ValidateInputs(inputs, inputSlots);
        ResolveOutputs(outputNames, outputSlots);

        var inputNamePtrs = stackalloc nint[Math.Max(inputCount, 1)];
        var inputValues = stackalloc nint[Math.Max(inputCount, 1)];
        var outputNamePtrs = stackalloc nint[Math.Max(outputCount, 1)];
        var outputValues = stackalloc nint[Math.Max(outputCount, 1)];
        new Span<nint>(inputValues, Math.Max(inputCount, 1)).Clear();
        new Span<nint>(outputValues, Math.Max(outputCount, 1)).Clear();
        var pins = ArrayPool<MemoryHandle>.Shared.Rent(Math.Max(inputCount, 1));

        var addedRef = false;
        OrtRunOptionsHandle? runOptions = null;
        CancellationTokenRegistration registration = default;
        try
        {
            _handle.DangerousAddRef(ref addedRef);
            for (var i = 0; i < inputCount; i++)
            {
                inputNamePtrs[i] = PinnedAddress(_inputNames[inputSlots[i]]);
                inputValues[i] = OrtValues.CreateInput(_api, inputs[i].Value, out pins[i]);
            }

            for (var i = 0; i < outputCount; i++)
            {
                outputNamePtrs[i] = PinnedAddress(_outputNames[outputSlots[i]]);
            }

            if (cancellationToken.CanBeCanceled)
            {
                runOptions = CreateRunOptions();
                registration = cancellationToken.Register(static state => Terminate((OrtRunOptionsHandle)state!), runOptions);
            }

            var status = _api.Run(_handle.DangerousGetHandle(), runOptions?.DangerousGetHandle() ?? 0,
                inputNamePtrs, inputValues, (nuint)inputCount, outputNamePtrs, (nuint)outputCount, outputValues);
            registration.Dispose();
            if (status != 0 && cancellationToken.IsCancellationRequested)
            {
                _api.ReleaseStatus(status);
                throw new OperationCanceledException("The run was cancelled.", cancellationToken);
            }

            _api.Check(status);
            var results = new NamedTensor[outputCount];
            for (var i = 0; i < outputCount; i++)
            {
                var name = Outputs[outputSlots[i]].Name;
                results[i] = new NamedTensor(name, OrtValues.ReadOutput(_api, outputValues[i], name));
            }

            return new RunResult(results);
        }
        finally
        {
            registration.Dispose();
            runOptions?.Dispose();
            for (var i = 0; i < outputCount; i++)
            {
                if (outputValues[i] != 0)
                {
                    _api.ReleaseValue(outputValues[i]);
                }
            }

            for (var i = 0; i < inputCount; i++)
            {
                if (inputValues[i] != 0)
                {
                    _api.ReleaseValue(inputValues[i]);
                    pins[i].Dispose();
                }
            }

            ArrayPool<MemoryHandle>.Shared.Return(pins, clearArray: true);
            if (addedRef)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>Runs a single-input model.</summary>
    public RunResult Run(string inputName, Tensor input, CancellationToken cancellationToken = default) =>
        Run([new NamedTensor(inputName, input)], outputNames: null, cancellationToken);

    private void ValidateInputs(IReadOnlyList<NamedTensor> inputs, Span<int> slots)
    {
        Span<bool> seen = Inputs.Count <= 64 ? stackalloc bool[Inputs.Count] : new bool[Inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var (name, tensor) = inputs[i];
            if (name is null || !_inputIndex.TryGetValue(name, out var slot))
            {
                throw Invalid($"Unknown input '{name}'. The model's inputs are: {Describe(Inputs)}.");
            }

            if (seen[slot])
            {
                throw Invalid($"Input '{name}' is given more than once.");
            }

            seen[slot] = true;
            slots[i] = slot;
            CheckAgainstSignature(Inputs[slot], tensor);
        }

        for (var slot = 0; slot < Inputs.Count; slot++)
        {
            if (!seen[slot])
            {
                throw Invalid($"Missing input '{Inputs[slot].Name}' ({Inputs[slot]}). Every model input must be given.");
            }
        }
    }

    private static void CheckAgainstSignature(NodeMetadata expected, Tensor? tensor)
    {
        if (tensor is null)
        {
            throw Invalid($"Input '{expected.Name}' is null.");
        }

        if (expected.ValueType != OnnxValueType.Tensor)
        {
            throw new OnnxRuntimeException(OrtErrorCode.NotImplemented,
                $"Input '{expected.Name}' is a {expected.ValueType.ToString().ToLowerInvariant()}; only tensor inputs can be fed.");
        }

        var shape = tensor.ShapeSpan;
        var dims = expected.Dimensions;
        var mismatch = tensor.ElementType != expected.ElementType || shape.Length != dims.Count;
        for (var d = 0; !mismatch && d < dims.Count; d++)
        {
            mismatch = dims[d] >= 0 && dims[d] != shape[d];
        }

        if (mismatch)
        {
            throw Invalid($"Input '{expected.Name}': expected {TensorElementTypes.Name(expected.ElementType)} {expected.ShapeText}, " +
                $"got {TensorElementTypes.Name(tensor.ElementType)} {TensorElementTypes.FormatShape(shape)}.");
        }
    }

    private void ResolveOutputs(IReadOnlyList<string>? names, Span<int> slots)
    {
        if (names is null)
        {
            for (var i = 0; i < slots.Length; i++)
            {
                slots[i] = i;
            }

            return;
        }

        if (names.Count == 0)
        {
            throw Invalid("At least one output must be requested.");
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] is null || !_outputIndex.TryGetValue(names[i], out var slot))
            {
                throw Invalid($"Unknown output '{names[i]}'. The model's outputs are: {Describe(Outputs)}.");
            }

            slots[i] = slot;
        }
    }

    private OrtRunOptionsHandle CreateRunOptions()
    {
        nint raw;
        _api.Check(_api.CreateRunOptions(&raw));
        return new OrtRunOptionsHandle(raw);
    }

    private static void Terminate(OrtRunOptionsHandle runOptions)
    {
        var api = OrtApi.Instance;
        var status = api.RunOptionsSetTerminate(runOptions.DangerousGetHandle());
        if (status != 0)
        {
            api.ReleaseStatus(status); // Best effort: the run then simply completes.
        }
    }

    private static nint PinnedAddress(byte[] pinned) => (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref pinned[0]);

    private static string Describe(IReadOnlyList<NodeMetadata> nodes) => string.Join(", ", nodes.Select(n => n.ToString()));

    private static OnnxRuntimeException Invalid(string message) => new(OrtErrorCode.InvalidArgument, message);
}
