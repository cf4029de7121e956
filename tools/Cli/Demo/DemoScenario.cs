using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using GovChain.Cli.Infrastructure;
using GovChain.Cli.Localnet;
using GovChain.Client;
using GovChain.Client.Registries;
using GovChain.Client.Verification;
using GovChain.Core.Genesis;
using Google.Protobuf;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol.Land;
using Spectre.Console;

namespace GovChain.Cli.Demo;

/// <summary>
/// The walkthrough README's first command runs: four department nodes as real processes, the
/// registries' work through the SDK, a crashed node, its catch-up, and a citizen's offline proof.
/// Every step checks what it claims; a failed check fails the demo.
/// </summary>
internal static class DemoScenario
{
    private const string Land = "land-registry";
    private const string Finance = "finance";
    private const string Education = "education";
    private const string Justice = "justice";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        AnsiConsole.MarkupLine("[bold]GovChain demo[/]: four department nodes agree on land titles, diplomas and tenders.");
        Heading("1. A network of four departments");
        await using var session = await DemoSession.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Say($"Chain [blue]{session.ChainId}[/]: {string.Join(", ", session.Manifest.Departments.Select(d => d.Id))}; " +
                $"a block needs precommits of more than 2/3 of {session.Genesis.Validators.TotalPower} voting power. Folder: {Markup.Escape(session.Layout.Root)}");

            var parcelId = await LandAsync(session, cancellationToken).ConfigureAwait(false);
            await DiplomaAsync(session, cancellationToken).ConfigureAwait(false);
            await TenderAsync(session, cancellationToken).ConfigureAwait(false);
            await CrashAndCatchUpAsync(session, cancellationToken).ConfigureAwait(false);
            await OfflineProofAsync(session, parcelId.Id, parcelId.Buyer, cancellationToken).ConfigureAwait(false);

            var heights = await NodeStatusReader.ReadAsync(session.Manifest.Departments.Select(d => d.ClientUri), session.Pinned, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            Heading("Final status of the nodes");
            Output.Table(NodeStatusRow.Columns, heights.Select(r => r.ToCells()));
            AnsiConsole.MarkupLine($"[green bold]Demo complete[/] in {total.Elapsed.TotalSeconds:0.0} s; every step checked.");
            return 0;
        }
        catch
        {
            session.KeepFolder = true;
            throw;
        }
    }

    private static async Task<(string Id, byte[] Buyer)> LandAsync(DemoSession s, CancellationToken ct)
    {
        Heading("2. Land registry: parcels registered");
        var registrar = s.Signer(s.RoleKey("registrar"));
        var alice = s.NewKey();
        var bob = s.NewKey();
        for (var i = 1; i <= 3; i++)
        {
            var id = $"LR-2026-{i:D4}";
            var (r, ms) = await s.ExpectOkAsync(Land, registrar, LandRegistry.RegisterParcel(id, alice.PublicKey, SHA256.HashData(Encoding.UTF8.GetBytes($"deed of {id}")), 400 + (ulong)(i * 120), $"Plot {i}, Riverside"), ct).ConfigureAwait(false);
            Say($"registrar registered {id} to Alice: block {r.Height}, {DemoSession.Ms(ms)} from submit to commit");
        }

        Heading("3. A transfer blocked by a lien, then completed");
        const string parcel = "LR-2026-0001";
        var (offer, offerMs) = await s.ExpectOkAsync(Finance, s.Signer(alice), LandRegistry.OfferTransfer(parcel, bob.PublicKey, 185_000), ct).ConfigureAwait(false);
        Say($"Alice offered {parcel} to Bob for 185,000 (sent to the finance node): block {offer.Height}, {DemoSession.Ms(offerMs)}");
        var (accept, acceptMs) = await s.ExpectOkAsync(Education, s.Signer(bob), LandRegistry.AcceptTransfer(parcel), ct).ConfigureAwait(false);
        Say($"Bob accepted (education node): block {accept.Height}, {DemoSession.Ms(acceptMs)}");
        var bank = s.Signer(s.RoleKey("bank"));
        var (lien, lienMs) = await s.ExpectOkAsync(Finance, bank, LandRegistry.RegisterLien(parcel, "MORTGAGE-77", 120_000), ct).ConfigureAwait(false);
        Say($"the bank registered lien MORTGAGE-77 on {parcel}: block {lien.Height}, {DemoSession.Ms(lienMs)}");
        var (refused, _) = await s.ExecuteAsync(Land, registrar, LandRegistry.ApproveTransfer(parcel), ct).ConfigureAwait(false);
        if (refused.Receipt.Code == 0)
        {
            throw new CliError("the registrar approved a transfer of a parcel under a lien");
        }

        Say($"registrar's approval [red]refused[/] in block {refused.Height} (code {refused.Receipt.Code}): {Markup.Escape(refused.Receipt.Message)}");
        var (release, releaseMs) = await s.ExpectOkAsync(Finance, bank, LandRegistry.ReleaseLien(parcel, "MORTGAGE-77"), ct).ConfigureAwait(false);
        Say($"the bank released the lien: block {release.Height}, {DemoSession.Ms(releaseMs)}");
        var (approve, approveMs) = await s.ExpectOkAsync(Land, registrar, LandRegistry.ApproveTransfer(parcel), ct).ConfigureAwait(false);
        await s.WaitForHeightAsync(Justice, approve.Height, Bound, ct).ConfigureAwait(false);
        var owner = (await s.Client(Justice).QueryAsync(LandRegistry.GetParcel(parcel), cancellationToken: ct).ConfigureAwait(false)).Value.Owner;
        if (!owner.Span.SequenceEqual(bob.PublicKey))
        {
            throw new CliError($"{parcel} is not Bob's after the approved transfer");
        }

        Say($"registrar approved: block {approve.Height}, {DemoSession.Ms(approveMs)}; the justice node reads Bob as the owner [green]✓[/]");
        return (parcel, bob.PublicKey.ToArray());
    }

    private static async Task DiplomaAsync(DemoSession s, CancellationToken ct)
    {
        Heading("4. A diploma issued by the university and verified");
        var student = s.NewKey();
        await s.ExpectOkAsync(Education, s.Signer(student), IdentityRegistry.Register(SHA256.HashData(Encoding.UTF8.GetBytes("Carla Diaz, born 2003-04-12"))), ct).ConfigureAwait(false);
        var claims = SHA256.HashData(Encoding.UTF8.GetBytes("BSc Civil Engineering, 2026, with distinction"));
        var (issued, ms) = await s.ExpectOkAsync(Education, s.Signer(s.RoleKey("university")), IdentityRegistry.IssueCredential("DIPLOMA-2026-0415", "diploma", student.PublicKey, claims), ct).ConfigureAwait(false);
        Say($"the university issued DIPLOMA-2026-0415 to Carla: block {issued.Height}, {DemoSession.Ms(ms)}");
        await s.WaitForHeightAsync(Land, issued.Height, Bound, ct).ConfigureAwait(false);
        var check = await s.Client(Land).QueryAsync(IdentityRegistry.VerifyCredential("DIPLOMA-2026-0415", issued.Height, claims), cancellationToken: ct).ConfigureAwait(false);
        if (!check.Value.Valid)
        {
            throw new CliError($"the diploma does not verify: {check.Value.Reason}");
        }

        Say($"an employer asks the land-registry node: [green]valid[/] ({Markup.Escape(check.Value.Reason)}), claims hash matches");
    }

    private static async Task TenderAsync(DemoSession s, CancellationToken ct)
    {
        Heading("5. A tender with sealed bids, reveals and an award");
        var officer = s.Signer(s.RoleKey("procurement-officer"));
        var start = await s.HeightAsync(Finance, ct).ConfigureAwait(false);
        var bidDeadline = start + 12;
        var revealDeadline = bidDeadline + 12;
        const string tender = "T-2026-ROADS-3";
        var (published, _) = await s.ExpectOkAsync(Finance, officer, ProcurementRegistry.PublishTender(
            tender, "Resurfacing of route 3", SHA256.HashData(Encoding.UTF8.GetBytes("specification v1")), bidDeadline, revealDeadline,
            ProcurementRegistry.Milestone("first half", 5000), ProcurementRegistry.Milestone("completion", 5000)), ct).ConfigureAwait(false);
        Say($"finance published {tender} at block {published.Height}: bids until block {bidDeadline}, reveals until {revealDeadline}");

        var bidders = new[] { ("Acme Roads", s.NewKey(), 940_000UL), ("Borealis Build", s.NewKey(), 870_000UL) };
        var salts = bidders.Select(_ => BidCommitment.NewSalt()).ToArray();
        await Task.WhenAll(bidders.Select((b, i) => s.ExpectOkAsync(Justice, s.Signer(b.Item2), ProcurementRegistry.SubmitBid(tender, b.Item2.PublicKey, b.Item3, salts[i]), ct))).ConfigureAwait(false);
        Say("two sealed bids committed: only hashes of (amount, salt) are on the chain");

        await s.WaitForHeightAsync(Finance, bidDeadline + 1, Bound, ct).ConfigureAwait(false);
        var signers = bidders.Select(b => new TransactionSigner(s.ChainId, b.Item2, 2)).ToArray();
        await Task.WhenAll(bidders.Select((b, i) => s.ExpectOkAsync(Justice, signers[i], ProcurementRegistry.RevealBid(tender, b.Item3, salts[i]), ct))).ConfigureAwait(false);
        Say($"after block {bidDeadline} both bidders revealed: Acme 940,000, Borealis 870,000");

        await s.WaitForHeightAsync(Finance, revealDeadline + 1, Bound, ct).ConfigureAwait(false);
        var (award, ms) = await s.ExpectOkAsync(Finance, officer, ProcurementRegistry.AwardTender(tender), ct).ConfigureAwait(false);
        // Another department's node answers once it has committed the award's block too.
        await s.WaitForHeightAsync(Education, award.Height, Bound, ct).ConfigureAwait(false);
        var record = (await s.Client(Education).QueryAsync(ProcurementRegistry.GetTender(tender), cancellationToken: ct).ConfigureAwait(false)).Value;
        if (record.Award is null || !record.Award.Winner.Span.SequenceEqual(bidders[1].Item2.PublicKey))
        {
            throw new CliError("the tender was not awarded to the lowest revealed bid");
        }

        Say($"awarded at block {award.Height} ({DemoSession.Ms(ms)}) to Borealis Build for {record.Award.Amount:N0}, {record.Award.ValidBids} valid bids [green]✓[/]");
    }

    private static async Task CrashAndCatchUpAsync(DemoSession s, CancellationToken ct)
    {
        Heading("6. The justice node crashes; the network carries on");
        await NodeProcesses.KillAsync(s.Layout, Justice).ConfigureAwait(false);
        var registrarKey = s.RoleKey("registrar");
        var registrar = await s.Client(Land).CreateSignerAsync(registrarKey, s.ChainId, ct).ConfigureAwait(false);
        Say("justice's process received SIGKILL");
        var owner = s.NewKey();
        var (r, ms) = await s.ExpectOkAsync(Land, registrar, LandRegistry.RegisterParcel("LR-2026-0004", owner.PublicKey, SHA256.HashData("deed 4"u8), 760), ct).ConfigureAwait(false);
        var block = await s.Client(Land).GetBlockAsync(r.Height, cancellationToken: ct).ConfigureAwait(false)
            ?? throw new CliError($"block {r.Height} is missing");
        var signedBy = block.Certificate.Signatures.Select(sig => s.Genesis.FindDepartmentByKey(sig.Validator.Span)?.Id ?? "?").Order(StringComparer.Ordinal).ToList();
        if (signedBy.Contains(Justice))
        {
            throw new CliError("the stopped justice node signed a block");
        }

        Say($"LR-2026-0004 registered with 3 of 4 nodes up: block {r.Height}, {DemoSession.Ms(ms)}, certified by {string.Join(", ", signedBy)}");

        Heading("7. The justice node restarts and catches up");
        var target = await s.HeightAsync(Land, ct).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        NodeProcesses.Start(s.Layout, Justice);
        var manifestJustice = s.Manifest.Departments.Single(d => d.Id == Justice);
        await NodeProcesses.WaitReadyAsync(s.Layout, manifestJustice, s.Pinned, LocalnetOperations.ReadyBound, ct).ConfigureAwait(false);
        await s.WaitForHeightAsync(Justice, target, Bound, ct).ConfigureAwait(false);
        var justiceHeight = await s.HeightAsync(Justice, ct).ConfigureAwait(false);
        Say($"justice restarted from its own data directory and reached height {justiceHeight} (the others were at {target}) {DemoSession.Ms(watch.Elapsed.TotalMilliseconds)} after the restart");
        var tx = await s.Client(Justice).GetTransactionAsync(r.Transaction.Id(), cancellationToken: ct).ConfigureAwait(false);
        if (tx is null || tx.Height != r.Height)
        {
            throw new CliError("the restarted justice node lacks the transaction committed while it was down");
        }

        Say($"it holds LR-2026-0004's registration, committed while it was down, at block {tx.Height} [green]✓[/]");
    }

    private static async Task OfflineProofAsync(DemoSession s, string parcel, byte[] buyer, CancellationToken ct)
    {
        Heading("8. A citizen proves who owns a parcel, offline");
        // The citizen trusts genesis.json alone: not the node that answers, nor the network.
        var genesis = GenesisDocument.Load(s.Layout.GenesisFile);
        var verifier = new ProofVerifier(genesis);
        var proof = await s.Client(Justice).GetStateProofAsync(StateKeys.Parcel(parcel), cancellationToken: ct).ConfigureAwait(false);
        var result = verifier.VerifyState(proof, StateKeys.Parcel(parcel));
        if (!result.IsProven || !result.Exists)
        {
            throw new CliError($"the proof of {parcel} does not verify: {result.Problem}");
        }

        var owner = Parcel.Parser.ParseFrom(result.Value).Owner;
        if (!owner.Span.SequenceEqual(buyer))
        {
            throw new CliError($"the proven owner of {parcel} is not Bob");
        }

        Say(Markup.Escape(result.Describe()));
        Say($"the proven record names owner {Hex.Encode(owner.Span)[..16]}… = Bob [green]✓[/]");
        // A node that lies about the owner cannot make its answer verify.
        var forged = proof.Clone();
        var lie = Parcel.Parser.ParseFrom(result.Value);
        lie.Owner = ByteString.CopyFrom(s.NewKey().PublicKey);
        forged.Proof.Value = lie.ToByteString();
        var tampered = verifier.VerifyState(forged, StateKeys.Parcel(parcel));
        if (tampered.IsProven)
        {
            throw new CliError("a tampered proof verified");
        }

        Say($"the same proof naming another owner: [red]NOT PROVEN[/] ({Markup.Escape(tampered.Problem ?? string.Empty)})");
    }

    private static void Heading(string text) => AnsiConsole.MarkupLine($"\n[bold underline]{Markup.Escape(text)}[/]");

    private static void Say(string markup) => AnsiConsole.MarkupLine($"  • {markup}");
}
