namespace Cloud.Serving.Protocols.TfServing;

/// <summary>The two request shapes of TF Serving's <c>:predict</c>; the response answers in the same one.</summary>
internal enum TfServingFormat
{
    /// <summary><c>{"instances": [...]}</c>, answered with <c>{"predictions": [...]}</c>.</summary>
    Row,

    /// <summary><c>{"inputs": ...}</c>, answered with <c>{"outputs": ...}</c>.</summary>
    Columnar,
}
