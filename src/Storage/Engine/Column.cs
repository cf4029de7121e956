namespace GovChain.Storage.Engine;

/// <summary>The column families of a node database. Values are stable: they index arrays.</summary>
internal enum Column
{
    Meta = 0,
    Blocks = 1,
    BlockHashes = 2,
    Transactions = 3,
    TxIndex = 4,
    Receipts = 5,
    StateValues = 6,
    StateNodes = 7,
    StateRoots = 8,
    StateStale = 9,
    ConsensusWal = 10,
}

internal static class Columns
{
    public static readonly Column[] All = Enum.GetValues<Column>();

    public static string Name(Column column) => column switch
    {
        Column.Meta => "meta",
        Column.Blocks => "blocks",
        Column.BlockHashes => "block_hashes",
        Column.Transactions => "transactions",
        Column.TxIndex => "tx_index",
        Column.Receipts => "receipts",
        Column.StateValues => "state_values",
        Column.StateNodes => "state_nodes",
        Column.StateRoots => "state_roots",
        Column.StateStale => "state_stale",
        Column.ConsensusWal => "consensus_wal",
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    /// <summary>Families read by exact key get a bloom filter; those read by seeking do not need one.</summary>
    public static bool IsPointLookup(Column column) =>
        column is not (Column.StateValues or Column.StateStale or Column.ConsensusWal);
}
