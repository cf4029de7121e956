using System.Net;
using GovChain.Node.Chain;
using GovChain.Node.Consensus;
using GovChain.Node.Network;
using GovChain.Protocol;

namespace GovChain.Node.Mempool;

/// <summary>
/// The one way transactions enter a node, whoever brings them — a client through the client API
/// or a peer by gossip: mempool admission (cheap checks first, each signature verified once), the
/// admission clock for commit latency, the proposer woken, and the node's own clients'
/// transactions gossiped once they can execute. Peers' transactions are not gossiped again (their
/// sender already sent them to every department), except those that waited here for a missing
/// nonce, which no one has gossiped yet.
/// </summary>
public sealed class TransactionAdmission
{
    private readonly TransactionPool _pool;
    private readonly ConsensusDriver _driver;
    private readonly AdmissionTimes? _admissions;
    private readonly IPeerNetwork _network;

    public TransactionAdmission(TransactionPool pool, ConsensusDriver driver, IPeerNetwork network, AdmissionTimes? admissions = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(network);
        _pool = pool;
        _driver = driver;
        _network = network;
        _admissions = admissions;
    }

    /// <summary>Admits <paramref name="transactions"/>; each result says whether, and why not.</summary>
    /// <param name="fromPeer">True for gossip: a peer's share of the pool applies, and nothing is gossiped on.</param>
    /// <param name="client">The client address that submitted them: their signature checks come out of its share.</param>
    public AdmissionResult[] Admit(IReadOnlyList<SignedTransaction> transactions, bool fromPeer, IPAddress? client = null)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var results = _pool.AddBatch(transactions, fromPeer, client);
        var any = false;
        List<SignedTransaction>? executable = null;
        for (var i = 0; i < results.Length; i++)
        {
            if (!results[i].IsAdmitted)
            {
                continue;
            }

            any = true;
            _admissions?.Admitted(results[i].TxId);
            if (!fromPeer && results[i].Executable)
            {
                (executable ??= []).Add(transactions[i]);
            }
        }

        // Only what can execute is gossiped: a transaction behind a missing nonce stays here until
        // that nonce arrives, and is gossiped then, whoever brought the missing one (peers that
        // have it already answer AlreadyKnown).
        var promoted = _pool.TakePromoted();
        if (promoted.Count > 0)
        {
            (executable ??= []).AddRange(promoted);
        }

        if (any)
        {
            _driver.TransactionsArrived();
        }

        if (executable is not null)
        {
            _network.Gossip(executable);
        }

        return results;
    }
}
