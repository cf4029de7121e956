using GovChain.Storage.CrashChild;

namespace GovChain.Storage.Tests.Contract;

/// <summary>Makes node databases for the contract suite: one implementation per engine.</summary>
public interface IStoreFactory : IDisposable
{
    NodeDatabase Open(StorageOptions? options = null);
}

public sealed class MemoryStoreFactory : IStoreFactory
{
    public NodeDatabase Open(StorageOptions? options = null) =>
        NodeDatabase.OpenInMemory(ChainWriter.ChainId, ChainWriter.GenesisHash, options);

    public void Dispose()
    {
    }
}

public sealed class RocksStoreFactory : IStoreFactory
{
    private readonly TempDirectory _directory = new();
    private int _next;

    public NodeDatabase Open(StorageOptions? options = null) =>
        NodeDatabase.Open(_directory.Sub($"db{Interlocked.Increment(ref _next)}"), ChainWriter.ChainId, ChainWriter.GenesisHash, options);

    public void Dispose() => _directory.Dispose();
}
