using GovChain.Core.Hashing;
using GovChain.Protocol;

namespace GovChain.Core.State;

/// <summary>The outcome of checking a state proof: what it proves, or why it proves nothing.</summary>
public readonly record struct StateProofCheck(bool IsValid, string Reason, bool Exists, byte[]? Value)
{
    public static StateProofCheck Invalid(string reason) => new(false, reason, false, null);
}

/// <summary>
/// Checks a <see cref="StateProof"/> against a state root alone — no node, no database —
/// as the SDK and the CLI do offline. The root must come from a header the caller trusts
/// (one checked against its commit certificate).
/// </summary>
public static class StateProofVerifier
{
    /// <summary>Checks that <paramref name="proof"/> is a proof about <paramref name="key"/> under <paramref name="root"/>.</summary>
    public static StateProofCheck Verify(StateProof proof, ReadOnlySpan<byte> key, in Hash32 root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (!proof.Key.Span.SequenceEqual(key))
        {
            return StateProofCheck.Invalid("the proof is about another key");
        }

        return Verify(proof, root);
    }

    /// <summary>Checks that <paramref name="proof"/> proves the value (or absence) of its own key under <paramref name="root"/>.</summary>
    public static StateProofCheck Verify(StateProof proof, in Hash32 root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (proof.Key.Length > StateTreeHashing.MaxKeyBytes)
        {
            return StateProofCheck.Invalid($"key is longer than {StateTreeHashing.MaxKeyBytes} bytes");
        }

        var depth = proof.Siblings.Count;
        if (depth > StateTreeHashing.MaxDepth)
        {
            return StateProofCheck.Invalid($"path of {depth} siblings is deeper than {StateTreeHashing.MaxDepth}");
        }

        var keyHash = StateTreeHashing.KeyHash(proof.Key.Span);
        Hash32 node;
        if (proof.Exists)
        {
            if (!proof.OtherKeyHash.IsEmpty || !proof.OtherValueHash.IsEmpty)
            {
                return StateProofCheck.Invalid("a membership proof carries no other leaf");
            }

            node = StateTreeHashing.LeafHash(keyHash, StateTreeHashing.ValueHash(proof.Value.Span));
        }
        else
        {
            if (!proof.Value.IsEmpty)
            {
                return StateProofCheck.Invalid("a non-membership proof carries no value");
            }

            var reason = NonMemberBottom(proof, keyHash, depth, out node);
            if (reason is not null)
            {
                return StateProofCheck.Invalid(reason);
            }
        }

        for (var i = depth - 1; i >= 0; i--)
        {
            if (!Hash32.TryFrom(proof.Siblings[i].Span, out var sibling))
            {
                return StateProofCheck.Invalid($"sibling {i} is not 32 bytes");
            }

            node = StateTreeHashing.Bit(keyHash, i) == 0
                ? StateTreeHashing.NodeHash(node, sibling)
                : StateTreeHashing.NodeHash(sibling, node);
        }

        if (node != root)
        {
            return StateProofCheck.Invalid("the proof does not lead to the given state root");
        }

        return proof.Exists
            ? new StateProofCheck(true, string.Empty, true, proof.Value.ToByteArray())
            : new StateProofCheck(true, string.Empty, false, null);
    }

    private static string? NonMemberBottom(StateProof proof, in Hash32 keyHash, int depth, out Hash32 node)
    {
        node = Hash32.Zero;
        if (proof.OtherKeyHash.IsEmpty && proof.OtherValueHash.IsEmpty)
        {
            // The path ends in an empty subtree: no key with this prefix exists.
            return null;
        }

        if (!Hash32.TryFrom(proof.OtherKeyHash.Span, out var otherKey) ||
            !Hash32.TryFrom(proof.OtherValueHash.Span, out var otherValue))
        {
            return "the other leaf's key hash and value hash must both be 32 bytes";
        }

        if (otherKey == keyHash)
        {
            return "the other leaf is the key itself";
        }

        // A lone leaf at this depth is the only key under this prefix; it must lie on our path.
        if (!StateTreeHashing.SharePrefix(otherKey, keyHash, depth))
        {
            return "the other leaf does not lie on the key's path";
        }

        node = StateTreeHashing.LeafHash(otherKey, otherValue);
        return null;
    }
}
