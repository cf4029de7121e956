using GovChain.Protocol;

namespace GovChain.Node.Network;

/// <summary>
/// The departments of the committed state at <paramref name="Height"/>, as the peer layer follows
/// them: whom a node dials and whom it accepts, with which keys and certificates.
/// </summary>
public sealed record Membership(ulong Height, IReadOnlyList<Department> Departments);
