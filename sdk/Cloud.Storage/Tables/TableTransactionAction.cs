using Azure;

namespace Cloud.Storage.Tables;

/// <summary>What one action of a table transaction does.</summary>
public enum TableTransactionActionType
{
    /// <summary>Insert; fails when the entity exists.</summary>
    Insert,
    /// <summary>Replace if the ETag matches (<see cref="ETag.All"/> for any); fails when missing or changed.</summary>
    Update,
    /// <summary>Insert or replace unconditionally.</summary>
    Upsert,
    /// <summary>Delete if the ETag matches (<see cref="ETag.All"/> for any); fails when missing or changed.</summary>
    Delete,
}

/// <summary>One action of an atomic transaction over entities of one partition (Azure's entity group transaction).</summary>
/// <param name="Type">What to do.</param>
/// <param name="Entity">The entity (for Delete only its keys matter).</param>
/// <param name="IfMatch">For Update and Delete: the ETag the stored entity must have.</param>
public sealed record TableTransactionAction(TableTransactionActionType Type, TableEntity Entity, ETag IfMatch = default)
{
    /// <summary>Azure's limit on actions per transaction.</summary>
    public const int MaxActions = 100;

    /// <summary>Checks the rules every backend enforces: 1–100 actions, one partition, no entity twice.</summary>
    public static void Validate(IReadOnlyList<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count is 0 or > MaxActions)
        {
            throw new ArgumentException($"A table transaction holds 1 to {MaxActions} actions; got {actions.Count}.", nameof(actions));
        }

        var partition = actions[0].Entity.PartitionKey;
        var rows = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in actions)
        {
            if (action.Entity.PartitionKey != partition)
            {
                throw new ArgumentException($"A table transaction stays in one partition; '{action.Entity.PartitionKey}' is not '{partition}'.", nameof(actions));
            }

            if (!rows.Add(action.Entity.RowKey))
            {
                throw new ArgumentException($"Entity {partition}/{action.Entity.RowKey} appears twice in one transaction.", nameof(actions));
            }

            if (action.Type is TableTransactionActionType.Update or TableTransactionActionType.Delete && action.IfMatch == default)
            {
                throw new ArgumentException($"{action.Type} of {partition}/{action.Entity.RowKey} needs an ETag to match (ETag.All for any).", nameof(actions));
            }
        }
    }
}
