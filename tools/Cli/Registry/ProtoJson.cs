using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using GovChain.Cli.Infrastructure;
using GovChain.Core.Hashing;

namespace GovChain.Cli.Registry;

/// <summary>
/// Protobuf messages as JSON the way an operator reads and types them: field names as in the
/// .proto files (snake_case; camelCase accepted on input), bytes as lower-case hex because keys
/// and hashes are printed as hex everywhere else in the CLI, enums by name, 64-bit numbers as
/// JSON numbers (or strings on input). Input is bounded in size and depth.
/// </summary>
internal static class ProtoJson
{
    public const int MaxInputChars = 64 * 1024;
    public const int MaxDepth = 16;

    public static JsonObject ToJson(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ToJson(message, 0);
    }

    /// <summary>Parses <paramref name="json"/> into a new message of <paramref name="descriptor"/>; a <see cref="CliError"/> names what is wrong.</summary>
    public static IMessage Parse(MessageDescriptor descriptor, string json)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxInputChars)
        {
            throw new CliError($"the JSON arguments exceed {MaxInputChars} characters");
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth * 2 });
            return ParseMessage(descriptor, document.RootElement, descriptor.Name, 0);
        }
        catch (JsonException ex)
        {
            throw new CliError($"the arguments are not valid JSON: {ex.Message}");
        }
    }

    private static JsonObject ToJson(IMessage message, int depth)
    {
        var json = new JsonObject();
        if (depth > MaxDepth)
        {
            return json;
        }

        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var accessor = field.Accessor;
            if (field.IsMap)
            {
                var map = new JsonObject();
                var valueField = field.MessageType.FindFieldByNumber(2);
                foreach (DictionaryEntry entry in (IDictionary)accessor.GetValue(message))
                {
                    map[Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!] = Value(valueField, entry.Value, depth);
                }

                json[field.Name] = map;
            }
            else if (field.IsRepeated)
            {
                var array = new JsonArray();
                foreach (var item in (IList)accessor.GetValue(message))
                {
                    array.Add(Value(field, item, depth));
                }

                json[field.Name] = array;
            }
            else if (!field.HasPresence || accessor.HasValue(message))
            {
                json[field.Name] = Value(field, accessor.GetValue(message), depth);
            }
        }

        return json;
    }

    private static JsonNode? Value(FieldDescriptor field, object? value, int depth) => value switch
    {
        null => null,
        ByteString bytes => JsonValue.Create(Hex.Encode(bytes.Span)),
        IMessage nested => ToJson(nested, depth + 1),
        _ when field.FieldType == FieldType.Enum => EnumName(field, Convert.ToInt32(value, CultureInfo.InvariantCulture)),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        uint u => JsonValue.Create(u),
        long l => JsonValue.Create(l),
        ulong ul => JsonValue.Create(ul),
        float f => JsonValue.Create(f),
        double d => JsonValue.Create(d),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static JsonValue EnumName(FieldDescriptor field, int number) =>
        field.EnumType.FindValueByNumber(number) is { } known ? JsonValue.Create(known.Name) : JsonValue.Create(number);

    private static IMessage ParseMessage(MessageDescriptor descriptor, JsonElement element, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new CliError($"{path}: nested deeper than {MaxDepth} levels");
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CliError($"{path}: expected a JSON object for {descriptor.Name}");
        }

        var message = descriptor.Parser.ParseFrom(ByteString.Empty);
        foreach (var property in element.EnumerateObject())
        {
            var field = descriptor.FindFieldByName(property.Name)
                ?? descriptor.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name)
                ?? throw new CliError($"{path}: no field '{property.Name}' (fields: {string.Join(", ", descriptor.Fields.InDeclarationOrder().Select(f => f.Name))})");
            var fieldPath = path + "." + field.Name;
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (field.IsMap)
            {
                throw new CliError($"{fieldPath}: map fields are not accepted as arguments");
            }

            if (field.IsRepeated)
            {
                if (property.Value.ValueKind != JsonValueKind.Array)
                {
                    throw new CliError($"{fieldPath}: expected a JSON array");
                }

                var list = (IList)field.Accessor.GetValue(message);
                foreach (var item in property.Value.EnumerateArray())
                {
                    list.Add(Scalar(field, item, fieldPath, depth));
                }
            }
            else
            {
                field.Accessor.SetValue(message, Scalar(field, property.Value, fieldPath, depth));
            }
        }

        return message;
    }

    private static object Scalar(FieldDescriptor field, JsonElement value, string path, int depth)
    {
        switch (field.FieldType)
        {
            case FieldType.Message:
                return ParseMessage(field.MessageType, value, path, depth + 1);
            case FieldType.String:
                return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new CliError($"{path}: expected a string");
            case FieldType.Bool:
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw new CliError($"{path}: expected true or false");
            case FieldType.Bytes:
                byte[]? bytes = null;
                return value.ValueKind == JsonValueKind.String && (value.GetString() is { Length: 0 } || Hex.TryDecode(value.GetString(), out bytes))
                    ? ByteString.CopyFrom(bytes ?? [])
                    : throw new CliError($"{path}: expected hex bytes (an even number of 0-9a-f digits)");
            case FieldType.Enum:
                return Enum.ToObject(field.EnumType.ClrType, EnumNumber(field, value, path));
            case FieldType.Double:
                return Number(value, path, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));
            case FieldType.Float:
                return Number(value, path, s => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));
            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32:
                return Number(value, path, s => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
            case FieldType.UInt32 or FieldType.Fixed32:
                return Number(value, path, s => uint.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture));
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                return Number(value, path, s => long.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
            case FieldType.UInt64 or FieldType.Fixed64:
                return Number(value, path, s => ulong.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture));
            default:
                throw new CliError($"{path}: fields of type {field.FieldType} are not accepted as arguments");
        }
    }

    private static int EnumNumber(FieldDescriptor field, JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.String && field.EnumType.FindValueByName(value.GetString()!) is { } named)
        {
            return named.Number;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && field.EnumType.FindValueByNumber(number) is not null)
        {
            return number;
        }

        throw new CliError($"{path}: expected one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}");
    }

    /// <summary>A number given as a JSON number or a string; out of range, fractional or negative where not allowed is an error.</summary>
    private static T Number<T>(JsonElement value, string path, Func<string, T> parse)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => value.GetString()!,
            _ => throw new CliError($"{path}: expected a number"),
        };
        try
        {
            return parse(text);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new CliError($"{path}: '{text}' is not a valid {typeof(T).Name.ToLowerInvariant()}");
        }
    }
}
