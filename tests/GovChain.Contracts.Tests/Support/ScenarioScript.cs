using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;
using GovChain.Contracts.Engine;
using GovChain.Core.Crypto;

namespace GovChain.Contracts.Tests.Support;

/// <summary>
/// Runs a scenario script against a <see cref="TestChain"/>: one command per line, the line
/// after each command its expected outcome. Arguments are protobuf JSON; inside them
/// "@name" stands for the public key of the named actor and "#text" for SHA-256 of text.
/// <code>
/// as &lt;actor&gt; &lt;contract&gt; &lt;method&gt; &lt;json&gt;     next line: ok | error &lt;ResultCode&gt;
/// query &lt;contract&gt; &lt;method&gt; &lt;json&gt;          next line: has &lt;text the JSON result must contain&gt;
/// advance &lt;blocks&gt;
/// </code>
/// </summary>
public sealed partial class ScenarioScript
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);
    private readonly TestChain _chain;
    private readonly SortedDictionary<string, KeyPair> _actors = new(StringComparer.Ordinal);

    public ScenarioScript(TestChain chain)
    {
        _chain = chain;
        _actors["registrar"] = chain.Registrar;
        _actors["bank"] = chain.Bank;
        _actors["issuer"] = chain.Issuer;
        _actors["officer"] = chain.Officer;
        _actors["inspector"] = chain.Inspector;
        for (var i = 0; i < chain.Admins.Count; i++)
        {
            _actors["admin" + i] = chain.Admins[i];
        }
    }

    public void Run(string path)
    {
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        for (var i = 0; i < lines.Length; i++)
        {
            var where = $"{Path.GetFileName(path)}: '{lines[i]}'";
            var words = lines[i].Split(' ', 5);
            switch (words[0])
            {
                case "advance":
                    for (var n = int.Parse(words[1], System.Globalization.CultureInfo.InvariantCulture); n > 0; n--)
                    {
                        _chain.Block();
                    }

                    break;
                case "as":
                    {
                        var call = new ContractCall(words[2], words[3], ParseArgs(words[2], words[3], words.Length > 4 ? words[4] : "{}", where));
                        var receipt = _chain.Run(Actor(words[1]), call);
                        var actual = receipt.Code == 0 ? "ok" : "error " + (ResultCode)receipt.Code;
                        Assert.True(actual == lines[++i], $"{where}: expected '{lines[i]}', got '{actual}' ({receipt.Message})");
                        break;
                    }

                case "query":
                    {
                        var method = ContractCatalog.Find(words[1], words[2]) ?? throw new InvalidOperationException($"{where}: unknown method");
                        var args = ParseArgs(words[1], words[2], words.Length > 3 ? string.Join(' ', words[3..]) : "{}", where);
                        var result = _chain.Engine.Query(_chain.State, words[1], words[2], args.ToByteString());
                        Assert.True(result.IsSuccess, $"{where}: {result.Code} {result.Message}");
                        var json = Readable(Formatter.Format(method.Result!.Parser.ParseFrom(result.Result)));
                        var expected = lines[++i];
                        Assert.True(expected.StartsWith("has ", StringComparison.Ordinal), $"{where}: a query is followed by 'has ...'");
                        Assert.True(json.Contains(expected[4..], StringComparison.Ordinal), $"{where}: '{expected[4..]}' not in {json}");
                        break;
                    }

                default:
                    throw new InvalidOperationException($"{where}: unknown command");
            }
        }
    }

    private KeyPair Actor(string name)
    {
        if (!_actors.TryGetValue(name, out var key))
        {
            key = _chain.Key(3000 + _actors.Count);
            _actors[name] = key;
        }

        return key;
    }

    private IMessage ParseArgs(string contract, string method, string json, string where)
    {
        var descriptor = ContractCatalog.Find(contract, method)?.Args
            ?? throw new InvalidOperationException($"{where}: {contract}.{method} is not in the catalog");
        json = ActorPattern().Replace(json, m => "\"" + Convert.ToBase64String(Actor(m.Groups[1].Value).PublicKey) + "\"");
        json = HashPattern().Replace(json, m => "\"" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value))) + "\"");
        return Parser.Parse(json, descriptor);
    }

    /// <summary>Writes actor keys back as "@name" so expectations stay readable.</summary>
    private string Readable(string json)
    {
        foreach (var (name, key) in _actors)
        {
            json = json.Replace(Convert.ToBase64String(key.PublicKey), "@" + name, StringComparison.Ordinal);
        }

        return json;
    }

    [GeneratedRegex("\"@([a-z0-9_]+)\"")]
    private static partial Regex ActorPattern();

    [GeneratedRegex("\"#([^\"]*)\"")]
    private static partial Regex HashPattern();
}
