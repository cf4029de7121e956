using System.Text.Json;
using System.Text.Json.Nodes;

namespace GovChain.Node.Setup;

/// <summary>
/// A department's node.json as an operator would write it: paths relative to the file's own
/// folder (the loader resolves them), addresses from the generated ports, and the blueprint's
/// consensus, storage and mempool sections.
/// </summary>
internal static class NodeConfigFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Write(NetworkBlueprint blueprint, NetworkDepartment department)
    {
        var config = new JsonObject
        {
            ["DataDirectory"] = NetworkFolder.DataDirectoryName,
            ["DepartmentId"] = department.Id,
            ["GenesisFile"] = "../" + NetworkFolder.GenesisFileName,
            ["ValidatorKeyFile"] = NetworkFolder.ValidatorKeyFileName,
            ["ValidatorPassphraseFile"] = NetworkFolder.ValidatorPassphraseFileName,
            ["ListenAddress"] = department.ClientListenAddress,
            ["PeerListenAddress"] = department.PeerListenAddress,
            ["Tls"] = new JsonObject { ["CertificateFile"] = NetworkFolder.CertificateFileName, ["KeyFile"] = NetworkFolder.CertificateKeyFileName },
            ["Consensus"] = JsonSerializer.SerializeToNode(blueprint.Consensus),
        };
        if (blueprint.Storage is { } storage)
        {
            config["Storage"] = JsonSerializer.SerializeToNode(storage);
        }

        if (blueprint.Mempool is { } mempool)
        {
            config["Mempool"] = JsonSerializer.SerializeToNode(mempool);
        }

        return config.ToJsonString(Indented);
    }
}
