using System.Buffers.Binary;
using GovChain.Node.Hosting;
using GovChain.Node.Network;
using GovChain.Node.Tests.Support;
using GovChain.Storage;
using GovChain.Storage.Engine;

namespace GovChain.Node.Tests.Hosting;

/// <summary>A data directory of format 1 (votes that did not bind the genesis hash) is refused with a reason, not run.</summary>
public sealed class OldDataFormatTests
{
    [Fact]
    public async Task Create_OnFormat1Data_RefusesNamingTheFormatAndWhatToDo()
    {
        await using var cluster = new TestCluster(1, inMemory: true);
        var store = new MemoryKeyValueStore();
        _ = NodeDatabase.OpenOn(store, cluster.Genesis.ChainId, cluster.Genesis.Hash, new StorageOptions());
        var marker = store.Get(Column.Meta, StorageKeys.FormatMarker)!;
        BinaryPrimitives.WriteUInt32BigEndian(marker, NodeDatabase.UnboundGenesisFormatVersion);
        using (var batch = store.CreateBatch())
        {
            batch.Put(Column.Meta, StorageKeys.FormatMarker, marker);
            store.Write(batch, sync: false);
        }

        var settings = new GovChainNodeSettings
        {
            PeerNetworkFactory = _ => new IsolatedPeerNetwork(),
            ValidatorKey = cluster.ValidatorKeys[0],
            OpenDatabase = storage => NodeDatabase.OpenOn(store, cluster.Genesis.ChainId, cluster.Genesis.Hash, storage),
        };

        var refused = Assert.Throws<StorageException>(() => GovChainNode.Create(cluster.Options(0), settings));

        Assert.Contains("format version 1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("empty data directory", refused.Message, StringComparison.Ordinal);
    }
}
