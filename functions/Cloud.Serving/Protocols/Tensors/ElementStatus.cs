namespace Cloud.Serving.Protocols.Tensors;

/// <summary>How reading one JSON value as an element went; anything but <see cref="Ok"/> becomes a message naming the value.</summary>
internal enum ElementStatus
{
    Ok,
    WrongKind,
    NotWholeNumber,
    OutOfRange,
}
