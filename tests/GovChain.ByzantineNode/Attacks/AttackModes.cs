namespace GovChain.ByzantineNode.Attacks;

/// <summary>The attacks by their command-line names (issue #11).</summary>
internal static class AttackModes
{
    public const string Names = "oversized-equivocation|body-swap|signature-strip|vote-flood|height-lie";

    public static Attack? Create(string mode) => mode switch
    {
        "oversized-equivocation" => new OversizedEquivocation(),
        "body-swap" => new BodySwap(),
        "signature-strip" => new SignatureStrip(),
        "vote-flood" => new VoteFlood(),
        "height-lie" => new HeightLie(),
        _ => null,
    };
}
