using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Contracts.SystemContract;
using GovChain.Core.Credentials;
using GovChain.Protocol.Identity;

namespace GovChain.Contracts.Identity;

/// <summary>
/// The <c>identity</c> contract. Keys: "identity/id/&lt;hex key&gt;",
/// "identity/cred/&lt;id&gt;", "identity/subject/&lt;hex key&gt;" (credential index),
/// "identity/status_seq" and "identity/status/&lt;page&gt;" (revocation bits, served as W3C status lists).
/// Only hashes of personal data are stored; the data stays with the registering office.
/// </summary>
internal sealed class IdentityContract : Contract
{
    public const int MaxCredentialsPerSubject = 1024;
    public const int MaxReasonLength = 256;

    private static readonly byte[] StatusSequenceKey = RecordKeys.CredentialStatusSequence();

    public override string Name => ContractNames.Identity;

    public static byte[] IdentityKey(ByteString key) => RecordKeys.Identity(key.Span);

    public static byte[] CredentialKey(string id) => RecordKeys.Credential(id);

    public static byte[] SubjectKey(ByteString key) => RecordKeys.CredentialsOf(key.Span);

    public override ByteString Execute(CallContext ctx, string method, ByteString args)
    {
        switch (method)
        {
            case IdentityMethods.Register:
                Register(ctx, ctx.ParseArgs(args, RegisterIdentityArgs.Parser));
                return ByteString.Empty;
            case IdentityMethods.Update:
                Update(ctx, ctx.ParseArgs(args, UpdateIdentityArgs.Parser));
                return ByteString.Empty;
            case IdentityMethods.IssueCredential:
                return Issue(ctx, ctx.ParseArgs(args, IssueCredentialArgs.Parser)).ToByteString();
            case IdentityMethods.RevokeCredential:
                Revoke(ctx, ctx.ParseArgs(args, RevokeCredentialArgs.Parser));
                return ByteString.Empty;
            default:
                throw UnknownMethod(method);
        }
    }

    public override ByteString Query(CallContext ctx, string method, ByteString args)
    {
        switch (method)
        {
            case IdentityMethods.GetIdentity:
                {
                    var a = ctx.ParseArgs(args, GetIdentityArgs.Parser);
                    Identifiers.RequireKey(a.PublicKey, "public_key");
                    return RequireIdentity(ctx, a.PublicKey).ToByteString();
                }

            case IdentityMethods.GetCredential:
                return RequireCredential(ctx, ctx.ParseArgs(args, GetCredentialArgs.Parser).CredentialId).ToByteString();
            case IdentityMethods.VerifyCredential:
                return Verify(ctx, ctx.ParseArgs(args, VerifyCredentialArgs.Parser)).ToByteString();
            case IdentityMethods.ListCredentials:
                {
                    var a = ctx.ParseArgs(args, ListCredentialsArgs.Parser);
                    Identifiers.RequireKey(a.Subject, "subject");
                    return (ctx.Read(SubjectKey(a.Subject), CredentialIndex.Parser) ?? new CredentialIndex()).ToByteString();
                }

            default:
                throw UnknownQuery(method);
        }
    }

    /// <summary>Validity of a credential at a height: started, not expired, not revoked, claims as expected.</summary>
    public static CredentialVerification Judge(CredentialRecord credential, ulong height, ByteString expectedClaims)
    {
        string reason;
        if (height < credential.ValidFromHeight || height < credential.IssuedHeight)
        {
            reason = "not yet valid";
        }
        else if (credential.ValidUntilHeight != 0 && height >= credential.ValidUntilHeight)
        {
            reason = "expired";
        }
        else if (credential.RevokedHeight != 0 && height >= credential.RevokedHeight)
        {
            reason = "revoked";
        }
        else if (!expectedClaims.IsEmpty && !expectedClaims.Equals(credential.ClaimsHash))
        {
            reason = "claims differ";
        }
        else
        {
            return new CredentialVerification { Valid = true, Reason = "valid", Credential = credential };
        }

        return new CredentialVerification { Valid = false, Reason = reason, Credential = credential };
    }

    private static void Register(CallContext ctx, RegisterIdentityArgs args)
    {
        Identifiers.RequireHash(args.DataHash, "data_hash");
        var key = IdentityKey(ctx.Sender);
        if (ctx.Exists(key))
        {
            throw new ContractException(ResultCode.AlreadyExists, "the signer's identity is already registered");
        }

        ctx.Write(key, new IdentityRecord
        {
            PublicKey = ctx.Sender,
            DataHash = args.DataHash,
            RegisteredHeight = ctx.Block.Height,
            UpdatedHeight = ctx.Block.Height,
        });
        ctx.Emit(ContractNames.Identity, "identity_registered", ("public_key", Identifiers.KeyHex(ctx.Sender)));
    }

    private static void Update(CallContext ctx, UpdateIdentityArgs args)
    {
        Identifiers.RequireHash(args.DataHash, "data_hash");
        var record = RequireIdentity(ctx, ctx.Sender);
        record.DataHash = args.DataHash;
        record.UpdatedHeight = ctx.Block.Height;
        ctx.Write(IdentityKey(ctx.Sender), record);
        ctx.Emit(ContractNames.Identity, "identity_updated", ("public_key", Identifiers.KeyHex(ctx.Sender)));
    }

    private static CredentialRecord Issue(CallContext ctx, IssueCredentialArgs args)
    {
        var grant = SystemState.RequireRole(ctx, Roles.IdentityIssuer);
        Identifiers.RequireId(args.CredentialId, "credential_id");
        Identifiers.RequireRoleName(args.Kind, "kind");
        Identifiers.RequireKey(args.Subject, "subject");
        Identifiers.RequireHash(args.ClaimsHash, "claims_hash");
        var from = args.ValidFromHeight == 0 ? ctx.Block.Height : args.ValidFromHeight;
        if (args.ValidUntilHeight != 0 && args.ValidUntilHeight <= from)
        {
            throw new ContractException(ResultCode.InvalidArgument, $"valid_until_height {args.ValidUntilHeight} must be above the start height {from}");
        }

        RequireIdentity(ctx, args.Subject);
        var key = CredentialKey(args.CredentialId);
        if (ctx.Exists(key))
        {
            throw new ContractException(ResultCode.AlreadyExists, $"credential '{args.CredentialId}' already exists");
        }

        var index = ctx.Read(SubjectKey(args.Subject), CredentialIndex.Parser) ?? new CredentialIndex();
        if (index.CredentialIds.Count >= MaxCredentialsPerSubject)
        {
            throw new ContractException(ResultCode.LimitExceeded, $"a subject holds at most {MaxCredentialsPerSubject} credentials");
        }

        var credential = new CredentialRecord
        {
            Id = args.CredentialId,
            Kind = args.Kind,
            Subject = args.Subject,
            Issuer = ctx.Sender,
            IssuerDepartment = grant.DepartmentId,
            ClaimsHash = args.ClaimsHash,
            IssuedHeight = ctx.Block.Height,
            ValidFromHeight = from,
            ValidUntilHeight = args.ValidUntilHeight,
            StatusIndex = NextStatusIndex(ctx),
        };
        ctx.Write(key, credential);
        index.CredentialIds.Add(args.CredentialId);
        ctx.Write(SubjectKey(args.Subject), index);
        ctx.Emit(ContractNames.Identity, "credential_issued", ("id", args.CredentialId), ("kind", args.Kind), ("subject", Identifiers.KeyHex(args.Subject)), ("department", grant.DepartmentId));
        return credential;
    }

    // Issue order numbers the credentials from 1, so the index is the same on every node and
    // no two credentials share a status bit (0 is left for records from before status lists).
    private static ulong NextStatusIndex(CallContext ctx)
    {
        StateKeys.TryDecodeUInt64(ctx.ReadRaw(StatusSequenceKey), out var last);
        var next = last + 1;
        ctx.WriteRaw(StatusSequenceKey, StateKeys.EncodeUInt64(next));
        return next;
    }

    private static void SetStatusBit(CallContext ctx, ulong statusIndex)
    {
        var key = RecordKeys.CredentialStatusPage(CredentialStatusLayout.PageOf(statusIndex));
        var page = ctx.ReadRaw(key) is { Length: CredentialStatusLayout.PageBytes } stored ? (byte[])stored.Clone() : new byte[CredentialStatusLayout.PageBytes];
        CredentialStatusLayout.SetBit(page, statusIndex);
        ctx.WriteRaw(key, page);
    }

    private static void Revoke(CallContext ctx, RevokeCredentialArgs args)
    {
        var grant = SystemState.RequireRole(ctx, Roles.IdentityIssuer);
        Identifiers.RequireText(args.Reason, "reason", MaxReasonLength);
        var credential = RequireCredential(ctx, args.CredentialId);
        if (!string.Equals(grant.DepartmentId, credential.IssuerDepartment, StringComparison.Ordinal))
        {
            throw new ContractException(ResultCode.Unauthorized, $"credential '{credential.Id}' was issued by department '{credential.IssuerDepartment}'; only its issuers may revoke it");
        }

        if (credential.RevokedHeight != 0)
        {
            throw new ContractException(ResultCode.InvalidState, $"credential '{credential.Id}' was already revoked at height {credential.RevokedHeight}");
        }

        credential.RevokedHeight = ctx.Block.Height;
        credential.RevocationReason = args.Reason;
        ctx.Write(CredentialKey(credential.Id), credential);
        if (credential.StatusIndex != 0)
        {
            SetStatusBit(ctx, credential.StatusIndex);
        }

        ctx.Emit(ContractNames.Identity, "credential_revoked", ("id", credential.Id), ("reason", args.Reason));
    }

    private static CredentialVerification Verify(CallContext ctx, VerifyCredentialArgs args)
    {
        if (args.AtHeight == 0)
        {
            throw new ContractException(ResultCode.InvalidArgument, "at_height must be given (the latest height the client knows)");
        }

        if (!args.ExpectedClaimsHash.IsEmpty)
        {
            Identifiers.RequireHash(args.ExpectedClaimsHash, "expected_claims_hash");
        }

        return Judge(RequireCredential(ctx, args.CredentialId), args.AtHeight, args.ExpectedClaimsHash);
    }

    private static IdentityRecord RequireIdentity(CallContext ctx, ByteString key) =>
        ctx.Read(IdentityKey(key), IdentityRecord.Parser)
        ?? throw new ContractException(ResultCode.NotFound, $"no identity registered for {SystemState.ShortKey(key)}...");

    private static CredentialRecord RequireCredential(CallContext ctx, string id)
    {
        Identifiers.RequireId(id, "credential_id");
        return ctx.Read(CredentialKey(id), CredentialRecord.Parser)
            ?? throw new ContractException(ResultCode.NotFound, $"no credential '{id}'");
    }
}
