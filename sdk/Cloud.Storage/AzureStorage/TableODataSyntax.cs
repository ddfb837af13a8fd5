namespace Cloud.Storage.AzureStorage;

/// <summary>The bits of OData URL syntax the Table service needs: entity addresses and partition filters.</summary>
internal static class TableODataSyntax
{
    /// <summary>
    /// <c>/table(PartitionKey='pk',RowKey='rk')</c>, ready to append to the endpoint's path: quotes inside a key are
    /// doubled (OData string literal), then the literal is percent-encoded so spaces, '%', '+' and non-ASCII survive.
    /// </summary>
    public static string EntityPath(string table, string partitionKey, string rowKey) =>
        $"/{table}(PartitionKey='{Uri.EscapeDataString(Escape(partitionKey))}',RowKey='{Uri.EscapeDataString(Escape(rowKey))}')";

    /// <summary>
    /// A $filter for one partition, optionally narrowed to RowKeys starting with a prefix. The prefix becomes a range
    /// (<c>RowKey ge 'p' and RowKey lt 'q'</c>, where q is p with its last character incremented) because the
    /// service has no starts-with operator, and a range is served from the key index.
    /// </summary>
    public static string PartitionFilter(string partitionKey, string? rowKeyPrefix)
    {
        var filter = $"PartitionKey eq {Literal(partitionKey)}";
        if (string.IsNullOrEmpty(rowKeyPrefix))
        {
            return filter;
        }

        filter += $" and RowKey ge {Literal(rowKeyPrefix)}";
        return UpperBound(rowKeyPrefix) is { } upper ? filter + $" and RowKey lt {Literal(upper)}" : filter;
    }

    /// <summary>The smallest string greater than every string starting with <paramref name="prefix"/>; null when none exists.</summary>
    internal static string? UpperBound(string prefix)
    {
        var end = prefix.Length;
        while (end > 0 && prefix[end - 1] == char.MaxValue)
        {
            end--;
        }

        return end == 0 ? null : string.Concat(prefix.AsSpan(0, end - 1), [(char)(prefix[end - 1] + 1)]);
    }

    private static string Literal(string value) => $"'{Escape(value)}'";

    private static string Escape(string value) => value.Replace("'", "''", StringComparison.Ordinal);
}
