using System.CommandLine;
using System.Security.Cryptography;
using GovChain.Cli.Infrastructure;
using GovChain.Core.Hashing;

namespace GovChain.Cli.Registry;

/// <summary>
/// A document the chain records only by its SHA-256 hash (a deed, personal data, a diploma's
/// claims, a tender specification): given as a file the CLI hashes locally, or as the hash itself.
/// The document never leaves the operator's machine.
/// </summary>
internal sealed class HashInput
{
    private readonly string _name;
    private readonly bool _required;

    public HashInput(string name, string what, bool required = true)
    {
        _name = name;
        _required = required;
        File = new Option<string?>($"--{name}") { Description = $"{what}: a file, hashed here with SHA-256 (only the hash is sent)." };
        Hash = new Option<string?>($"--{name}-hash") { Description = $"{what}: its SHA-256 hash as 64 hex digits, instead of the file." };
    }

    public Option<string?> File { get; }

    public Option<string?> Hash { get; }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(File);
        command.Options.Add(Hash);
    }

    /// <summary>The 32-byte hash, or an empty array when the input is optional and was not given.</summary>
    public byte[] Read(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var file = result.GetValue(File);
        var hash = result.GetValue(Hash);
        if (file is not null && hash is not null)
        {
            throw new CliError($"give --{_name} or --{_name}-hash, not both");
        }

        if (hash is not null)
        {
            return hash.Length == 64 && Hex.TryDecode(hash, out var bytes)
                ? bytes
                : throw new CliError($"--{_name}-hash: expected 64 hex digits (a SHA-256 hash)");
        }

        if (file is not null)
        {
            try
            {
                using var stream = System.IO.File.OpenRead(file);
                return SHA256.HashData(stream);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliError($"--{_name}: cannot read '{file}': {ex.Message}");
            }
        }

        return _required ? throw new CliError($"give --{_name} FILE or --{_name}-hash HEX") : [];
    }
}
