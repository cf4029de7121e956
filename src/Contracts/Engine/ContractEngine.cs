using System.Diagnostics.Metrics;
using Google.Protobuf;
using GovChain.Contracts.Identity;
using GovChain.Contracts.Land;
using GovChain.Contracts.Procurement;
using GovChain.Contracts.Registry;
using GovChain.Contracts.SystemContract;
using GovChain.Core.Genesis;
using GovChain.Core.State;
using GovChain.Core.Transactions;
using GovChain.Protocol;

namespace GovChain.Contracts.Engine;

/// <summary>
/// Executes blocks of verified transactions against a state view, answers read-only
/// queries and seeds the genesis state. Stateless between calls and safe to share across
/// threads: every call builds its own overlay over the reader it is given.
/// </summary>
/// <remarks>
/// Nonce rule: a transaction whose chain id or nonce is wrong changes nothing at all. Once
/// its nonce is the sender's next one, the nonce is consumed even if the call then fails
/// (unknown method, bad arguments, refusal, budget exceeded), as on CometBFT chains, so the
/// sender can move on to the next nonce and a failed transaction can never be replayed.
/// </remarks>
public sealed class ContractEngine
{
    private static readonly Meter Meter = new("GovChain.Contracts");
    private static readonly Counter<long> TransactionsExecuted = Meter.CreateCounter<long>("govchain.contracts.transactions", description: "Transactions executed, by outcome code.");
    private static readonly Histogram<long> StepsUsed = Meter.CreateHistogram<long>("govchain.contracts.steps", description: "Steps used per transaction.");

    // Boxed once, so counting a transaction allocates nothing.
    private static readonly object[] CodeTags = Enum.GetValues<ResultCode>().Select(c => (object)c.ToString()).ToArray();

    private readonly EngineOptions _options;
    private readonly Contract _system = new GovernanceContract();
    private readonly Contract _identity = new IdentityContract();
    private readonly Contract _land = new LandContract();
    private readonly Contract _procurement = new ProcurementContract();
    private readonly Contract _registry = new RegistryContract();

    public ContractEngine(EngineOptions? options = null)
    {
        _options = options ?? EngineOptions.Default;
        _options.Validate();
    }

    public EngineOptions Options => _options;

    /// <summary>
    /// Executes <paramref name="transactions"/> in order on top of <paramref name="committed"/>
    /// (the state after the previous block), which is only read.
    /// </summary>
    public BlockExecutionResult ExecuteBlock(BlockContext block, IReadOnlyList<VerifiedTransaction> transactions, IStateReader committed)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(committed);
        ArgumentNullException.ThrowIfNull(block.ChainId);
        var blockWrites = new StateChanges();
        var view = new LayeredStateReader(blockWrites, committed);
        var receipts = new Receipt[transactions.Count];
        var validatorsChanged = false;
        long receiptBudget = _options.MaxReceiptBytesPerBlock;
        for (var i = 0; i < transactions.Count; i++)
        {
            var tx = transactions[i] ?? throw new ArgumentException($"Transaction {i} is null.", nameof(transactions));
            var receipt = ExecuteTransaction(block, tx, view, blockWrites, receiptBudget, out var changedValidators);
            receipt.Index = (uint)i;
            receiptBudget -= ReceiptCost(receipt);
            receipts[i] = receipt;
            validatorsChanged |= changedValidators;
            TransactionsExecuted.Add(1, new KeyValuePair<string, object?>("code", CodeTag(receipt.Code)));
            StepsUsed.Record((long)receipt.StepsUsed);
        }

        var update = validatorsChanged ? SystemState.ReadValidatorUpdate(view) : null;
        return new BlockExecutionResult(receipts, blockWrites, update);
    }

    /// <summary>Runs a read-only query; writes nothing, whatever the contract attempts.</summary>
    public QueryResult Query(IStateReader state, string contract, string method, ByteString args)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > _options.MaxArgsBytes)
        {
            return QueryResult.Error(ResultCode.MalformedArgs, $"arguments are {args.Length} bytes, the limit is {_options.MaxArgsBytes}");
        }

        var target = Find(contract);
        if (target is null)
        {
            return QueryResult.Error(ResultCode.UnknownContract, $"no contract named '{Identifiers.Clip(contract)}'");
        }

        var meter = new StepMeter(_options.MaxStepsPerQuery);
        var ctx = new CallContext(BlockContext.ForQuery, ByteString.Empty, ByteString.Empty, state, writes: null, meter, _options.MaxEventsPerTransaction);
        try
        {
            return QueryResult.Ok(target.Query(ctx, method, args));
        }
        catch (ContractException ex)
        {
            return QueryResult.Error(ex.Code, ex.Message);
        }
        catch (OverflowException)
        {
            return QueryResult.Error(ResultCode.ArithmeticOverflow, "arithmetic overflow");
        }
    }

    /// <summary>The nonce the sender's next transaction must carry in <paramref name="state"/>.</summary>
    public static ulong NextNonce(IStateReader state, ReadOnlySpan<byte> sender)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Nonces.Next(state, sender);
    }

    /// <summary>
    /// The validator-set change recorded last in <paramref name="state"/> (by genesis or by a
    /// governance proposal): the set consensus uses from its effective height on. A restarted
    /// node reads it to learn a change that takes effect after its last committed height.
    /// </summary>
    public static ValidatorSetUpdate? LatestValidatorUpdate(IStateReader state) => SystemState.ReadValidatorUpdate(state);

    /// <summary>The departments recorded in <paramref name="state"/>, in id order: who the peers are, where they listen, which keys and certificates they hold.</summary>
    public static IReadOnlyList<Department> Departments(IStateReader state) => SystemState.ReadDepartments(state);

    /// <summary>The state at height 0: departments, validators and role holders of the genesis.</summary>
    public static StateChanges InitialState(GenesisDocument genesis) => SystemGenesis.InitialState(genesis);

    private Receipt ExecuteTransaction(BlockContext block, VerifiedTransaction tx, IStateReader view, StateChanges blockWrites, long receiptBudget, out bool validatorsChanged)
    {
        validatorsChanged = false;
        var body = tx.Body;
        var receipt = new Receipt { TxId = UnsafeByteOperations.UnsafeWrap(tx.Id.ToArray()), Height = block.Height };
        if (!string.Equals(body.ChainId, block.ChainId, StringComparison.Ordinal))
        {
            return Fail(receipt, ResultCode.WrongChain, $"transaction is for chain '{Identifiers.Clip(body.ChainId)}', this is '{block.ChainId}'");
        }

        var nonceKey = Nonces.Key(body.Sender.Span);
        var expected = Nonces.NextAt(view, nonceKey, body.Sender.Span);
        if (body.Nonce != expected)
        {
            return Fail(receipt, ResultCode.BadNonce, $"nonce {body.Nonce} is not the sender's next nonce {expected}");
        }

        blockWrites.Set(nonceKey, StateKeys.EncodeUInt64(body.Nonce));

        var meter = new StepMeter(_options.BudgetFor(body.MaxSteps));
        var txWrites = new StateChanges();
        var ctx = new CallContext(block, body.Sender, receipt.TxId, view, txWrites, meter, _options.MaxEventsPerTransaction, _options.MaxEventBytesPerTransaction);
        try
        {
            meter.Charge(StepCosts.CallBase);
            var target = Find(body.Contract)
                ?? throw new ContractException(ResultCode.UnknownContract, $"no contract named '{Identifiers.Clip(body.Contract)}'");
            if (body.Args.Length > _options.MaxArgsBytes)
            {
                throw new ContractException(ResultCode.MalformedArgs, $"arguments are {body.Args.Length} bytes, the limit is {_options.MaxArgsBytes}");
            }

            var result = target.Execute(ctx, body.Method, body.Args);
            if (result.Length > _options.MaxResultBytes)
            {
                throw new ContractException(ResultCode.LimitExceeded, $"the result is {result.Length} bytes, a receipt holds at most {_options.MaxResultBytes}");
            }

            receipt.Result = result;
        }
        catch (ContractException ex)
        {
            receipt.StepsUsed = meter.Used;
            return Fail(receipt, ex.Code, ex.Message);
        }
        catch (OverflowException)
        {
            receipt.StepsUsed = meter.Used;
            return Fail(receipt, ResultCode.ArithmeticOverflow, "arithmetic overflow");
        }

        receipt.StepsUsed = meter.Used;
        receipt.Events.AddRange(ctx.Events);

        // Every validator computes the same encoded size for the same receipt, so this refusal is deterministic.
        if (ReceiptCost(receipt) > receiptBudget)
        {
            receipt.Result = ByteString.Empty;
            receipt.Events.Clear();
            return Fail(receipt, ResultCode.LimitExceeded, $"the block's receipts would pass {_options.MaxReceiptBytesPerBlock} bytes; submit it again for a later block");
        }

        blockWrites.Apply(txWrites);
        validatorsChanged = ctx.ValidatorSetChanged;
        return receipt;
    }

    // A receipt's encoded size inside the block's receipt list: its bytes, its index, and its tag and length prefix.
    private static long ReceiptCost(Receipt receipt) => receipt.CalculateSize() + 16;

    private static object CodeTag(uint code) => code < (uint)CodeTags.Length ? CodeTags[code] : "Unknown";

    private static Receipt Fail(Receipt receipt, ResultCode code, string message)
    {
        receipt.Code = (uint)code;
        receipt.Message = ClipUtf8(message, EngineOptions.MaxMessageBytes);
        return receipt;
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxBytes"/> UTF-8 bytes, never inside a character.</summary>
    public static string ClipUtf8(string text, int maxBytes)
    {
        if (text.Length * 3 <= maxBytes || System.Text.Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var bytes = 0;
        var end = 0;
        while (end < text.Length)
        {
            // A lone surrogate decodes as U+FFFD, three bytes, as the UTF-8 encoder writes it.
            System.Text.Rune.DecodeFromUtf16(text.AsSpan(end), out var rune, out var consumed);
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            end += consumed;
        }

        return text[..end];
    }

    private Contract? Find(string name) => name switch
    {
        ContractNames.System => _system,
        ContractNames.Identity => _identity,
        ContractNames.Land => _land,
        ContractNames.Procurement => _procurement,
        ContractNames.Registry => _registry,
        _ => null,
    };
}
