namespace Cloud.Storage;

/// <summary>
/// An entity was refused before it was written because it breaks Azure Table's size limits
/// (<see cref="Tables.TableLimits"/>). Retrying cannot help: the caller must write less (a shorter value, or the
/// large content in a blob).
/// </summary>
public sealed class TableLimitException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="item">"partition/row" of the entity.</param>
    /// <param name="message">What is too large, with the limit.</param>
    public TableLimitException(string item, string message)
        : base(message)
    {
        Item = item;
    }

    /// <summary>"partition/row" of the entity.</summary>
    public string Item { get; }
}
