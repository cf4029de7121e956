using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using GovChain.Client.Registries;
using GovChain.Client.Verification;
using GovChain.Core.Genesis;
using GovChain.Core.Hashing;
using GovChain.Core.Transactions;
using GovChain.Protocol;
using GovChain.Protocol.Identity;
using GovChain.Protocol.Land;
using GovChain.Protocol.Procurement;
using GovChain.Protocol.Registry;

namespace GovChain.Cli.Proofs;

/// <summary>One department whose validator signed the certificate, and its voting power.</summary>
internal sealed record Certifier(string DepartmentId, string Name, ulong VotingPower);

/// <summary>
/// A proof file checked offline against a genesis, told plainly: proven or not (and why), what
/// (the transaction and its receipt, or the record and its value, or its absence), at which
/// height, and certified by which departments with how much voting power.
/// </summary>
internal sealed class ProofCheck
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    private ProofCheck(ProofVerification verification, ProofKind kind, IReadOnlyList<Certifier> certifiers, string subject, IReadOnlyList<(string Label, string Value)> details, JsonObject json)
    {
        Verification = verification;
        Kind = kind;
        Certifiers = certifiers;
        Subject = subject;
        Details = details;
        Json = json;
    }

    public ProofVerification Verification { get; }

    public bool IsProven => Verification.IsProven;

    public ProofKind Kind { get; }

    public IReadOnlyList<Certifier> Certifiers { get; }

    /// <summary>"transaction 3f2a…", "land/parcel/P-17".</summary>
    public string Subject { get; }

    public IReadOnlyList<(string Label, string Value)> Details { get; }

    public JsonObject Json { get; }

    /// <summary>A file that could not even be read as a proof: not proven, with the reason.</summary>
    public static ProofCheck Unreadable(string reason) => new(
        new TransactionVerification(false, reason, null, default, 0, string.Empty, string.Empty, string.Empty, 0, 0, string.Empty), ProofKind.Transaction, [], "the file", [], new JsonObject { ["proven"] = false, ["reason"] = reason });

    public static ProofCheck Run(ProofFile file, GenesisDocument genesis, byte[]? expectedKey = null, Hash32? expectedTx = null, TimeSpan? maxAge = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(genesis);
        var verifier = new ProofVerifier(genesis, maxAge);
        return file.Kind == ProofKind.Transaction
            ? OfTransaction(verifier.VerifyTransaction(file.Transaction!, expectedTx), file.Transaction!, genesis)
            : OfState(verifier.VerifyState(file.State!, expectedKey ?? file.State!.Proof?.Key.ToByteArray() ?? []), file.State!, genesis);
    }

    /// <summary>The first line: "PROVEN: what, at which height, certified by whom" or "NOT proven: reason".</summary>
    public string Headline()
    {
        if (!IsProven)
        {
            return $"NOT proven: {Verification.Problem}";
        }

        var header = Verification.Header!;
        var where = string.Create(
            CultureInfo.InvariantCulture,
            $"at height {header.Height} (block time {header.Time:yyyy-MM-dd HH:mm:ss}Z), certified by {JoinNames(Certifiers.Select(c => c.Name).ToList())} ({header.SignedPower} of {header.TotalPower} voting power)");
        return Verification switch
        {
            TransactionVerification t => $"PROVEN: {Subject} ({t.Contract}.{t.Method}) is committed with {(t.ResultCode == 0 ? "success" : "a recorded error")} {where}",
            StateVerification { Exists: false } => $"PROVEN ABSENT: {Subject} has no record in the state {where}",
            _ => $"PROVEN: {Subject} holds the record below in the state {where}",
        };
    }

    private static string JoinNames(List<string> names) => names.Count switch
    {
        0 => "nobody",
        1 => names[0],
        _ => string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1],
    };

    private static ProofCheck OfTransaction(TransactionVerification v, TransactionProof proof, GenesisDocument genesis)
    {
        var subject = $"transaction {v.TxId}";
        var json = Base(v, "transaction");
        if (!v.IsProven)
        {
            return new ProofCheck(v, ProofKind.Transaction, [], subject, [], json);
        }

        var certifiers = SignersOf(proof.Certificate, proof.Validators, genesis);
        var result = v.ResultCode == 0 ? "success" : string.Create(CultureInfo.InvariantCulture, $"error {v.ResultCode}: {v.ResultMessage}");
        var args = DecodeArgs(proof.Transaction, v.Contract, v.Method);
        var details = new List<(string, string)>
        {
            ("call", $"{v.Contract}.{v.Method}"),
            ("arguments", args?.ToJsonString() ?? "(not a built-in registry call)"),
            ("signed by", v.SenderHex),
            ("nonce", v.Nonce.ToString(CultureInfo.InvariantCulture)),
            ("receipt", result),
            ("position", string.Create(CultureInfo.InvariantCulture, $"transaction {v.Index} of block {v.Header!.Height}")),
        };
        details.AddRange(HeaderDetails(v.Header, certifiers));
        json["tx_id"] = v.TxId.ToString();
        json["contract"] = v.Contract;
        json["method"] = v.Method;
        json["arguments"] = args;
        json["sender"] = v.SenderHex;
        json["nonce"] = v.Nonce;
        json["index"] = v.Index;
        json["receipt"] = new JsonObject { ["code"] = v.ResultCode, ["message"] = v.ResultMessage, ["success"] = v.ResultCode == 0 };
        AddHeader(json, v.Header, certifiers);
        return new ProofCheck(v, ProofKind.Transaction, certifiers, subject, details, json);
    }

    private static ProofCheck OfState(StateVerification v, CertifiedStateProof proof, GenesisDocument genesis)
    {
        var json = Base(v, "state");
        json["key"] = v.KeyText;
        if (!v.IsProven)
        {
            return new ProofCheck(v, ProofKind.State, [], v.KeyText, [], json);
        }

        var certifiers = SignersOf(proof.Certificate, proof.Validators, genesis);
        var details = new List<(string, string)> { ("key", v.KeyText) };
        json["exists"] = v.Exists;
        if (v.Exists)
        {
            var record = DecodeRecord(v.KeyText, v.Value!);
            if (record is JsonObject fields)
            {
                // One line per field of the record, so a parcel's owner and area read at a glance.
                details.AddRange(fields.Select(f => ("  " + f.Key, f.Value is JsonValue value ? value.ToString() : f.Value?.ToJsonString() ?? string.Empty)));
            }
            else
            {
                details.Add(("record", $"{v.Value!.Length} bytes: {Hex.Encode(v.Value.AsSpan(0, Math.Min(v.Value.Length, 64)))}{(v.Value.Length > 64 ? "…" : string.Empty)}"));
            }
            json["record"] = record;
            json["value_hex"] = Hex.Encode(v.Value);
        }
        else
        {
            details.Add(("record", "none: the key is absent from the certified state"));
        }

        details.AddRange(HeaderDetails(v.Header!, certifiers));
        AddHeader(json, v.Header!, certifiers);
        return new ProofCheck(v, ProofKind.State, certifiers, v.KeyText, details, json);
    }

    private static JsonObject Base(ProofVerification v, string kind) => new()
    {
        ["proven"] = v.IsProven,
        ["kind"] = kind,
        ["reason"] = v.Problem,
    };

    private static IEnumerable<(string, string)> HeaderDetails(CertifiedHeader header, IReadOnlyList<Certifier> certifiers)
    {
        yield return ("height", header.Height.ToString(CultureInfo.InvariantCulture));
        yield return ("block", string.Create(CultureInfo.InvariantCulture, $"{header.BlockHash} of {header.Time:yyyy-MM-dd HH:mm:ss}Z"));
        yield return ("certified by", string.Join(", ", certifiers.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} ({c.DepartmentId}, power {c.VotingPower})"))));
        yield return ("voting power", string.Create(
            CultureInfo.InvariantCulture,
            $"{header.SignedPower} of {header.TotalPower} {header.SetDescription()}; more than 2/3 is needed"));
    }

    private static void AddHeader(JsonObject json, CertifiedHeader header, IReadOnlyList<Certifier> certifiers)
    {
        json["height"] = header.Height;
        json["block_hash"] = header.BlockHash.ToString();
        json["block_time"] = header.Time.ToString("O", CultureInfo.InvariantCulture);
        json["certified_by"] = new JsonArray(certifiers.Select(c => (JsonNode)new JsonObject
        {
            ["department_id"] = c.DepartmentId,
            ["name"] = c.Name,
            ["voting_power"] = c.VotingPower,
        }).ToArray());
        json["signed_power"] = header.SignedPower;
        json["total_power"] = header.TotalPower;
        json["genesis_validator_set"] = header.GenesisValidatorSet;
        json["validator_set_hops"] = header.ValidatorSetHops;
    }

    /// <summary>The departments whose validators signed; only called once the certificate has been verified.</summary>
    private static List<Certifier> SignersOf(CommitCertificate certificate, ValidatorSet validators, GenesisDocument genesis)
    {
        var byKey = validators.Validators.ToDictionary(v => Hex.Encode(v.PublicKey.Span), StringComparer.Ordinal);
        var certifiers = new List<Certifier>();
        foreach (var signature in certificate.Signatures)
        {
            if (byKey.TryGetValue(Hex.Encode(signature.Validator.Span), out var validator))
            {
                var name = genesis.FindDepartment(validator.DepartmentId)?.Name;
                certifiers.Add(new Certifier(validator.DepartmentId, string.IsNullOrEmpty(name) ? validator.DepartmentId : name, validator.VotingPower));
            }
        }

        certifiers.Sort((a, b) => string.CompareOrdinal(a.DepartmentId, b.DepartmentId));
        return certifiers;
    }

    private static JsonNode? DecodeArgs(SignedTransaction tx, string contract, string method)
    {
        if (RegistryCatalog.Find(contract, method) is not { } known || !TransactionCodec.TryParseBody(tx.Body, out var body, out _))
        {
            return null;
        }

        try
        {
            return ToJson(known.Args.Parser.ParseFrom(body!.Args));
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>The record a registry keeps at this key, as JSON, when the key is one of the built-in registries'.</summary>
    private static JsonNode? DecodeRecord(string key, byte[] value)
    {
        MessageParser? parser = key switch
        {
            _ when key.StartsWith("land/parcel/", StringComparison.Ordinal) => Parcel.Parser,
            _ when key.StartsWith("identity/id/", StringComparison.Ordinal) => IdentityRecord.Parser,
            _ when key.StartsWith("identity/cred/", StringComparison.Ordinal) => CredentialRecord.Parser,
            _ when key.StartsWith("procurement/tender/", StringComparison.Ordinal) => Tender.Parser,
            _ when key.StartsWith("procurement/bid/", StringComparison.Ordinal) => SealedBid.Parser,
            _ when key.StartsWith("registry/record/", StringComparison.Ordinal) => RegistryRecord.Parser,
            _ when key.StartsWith("registry/type/", StringComparison.Ordinal) => RegistryTypeRecord.Parser,
            _ => null,
        };
        if (parser is null)
        {
            return null;
        }

        try
        {
            return ToJson(parser.ParseFrom(value));
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>A message as JSON, its bytes fields (keys, hashes) in hex as GovChain prints them everywhere, not protobuf JSON's base64.</summary>
    private static JsonNode? ToJson(IMessage message)
    {
        var json = JsonNode.Parse(Formatter.Format(message));
        HexBytes(message, json as JsonObject);
        return json;
    }

    private static void HexBytes(IMessage message, JsonObject? json)
    {
        if (json is null)
        {
            return;
        }

        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.IsMap || !json.ContainsKey(field.Name))
            {
                continue;
            }

            var value = field.Accessor.GetValue(message);
            switch (field.FieldType)
            {
                case FieldType.Bytes when field.IsRepeated:
                    json[field.Name] = new JsonArray(((IEnumerable<ByteString>)value).Select(b => (JsonNode)JsonValue.Create(Hex.Encode(b.Span))).ToArray());
                    break;
                case FieldType.Bytes:
                    json[field.Name] = Hex.Encode(((ByteString)value).Span);
                    break;
                case FieldType.Message when field.IsRepeated:
                    var items = json[field.Name] as JsonArray;
                    var i = 0;
                    foreach (var item in (System.Collections.IEnumerable)value)
                    {
                        if (item is IMessage child && items is not null && i < items.Count)
                        {
                            HexBytes(child, items[i] as JsonObject);
                        }

                        i++;
                    }

                    break;
                case FieldType.Message when value is IMessage nested:
                    HexBytes(nested, json[field.Name] as JsonObject);
                    break;
            }
        }
    }
}
