using Microsoft.Extensions.Configuration;

namespace GovChain.Node.Configuration;

/// <summary>Reads <see cref="NodeOptions"/> from a JSON file, then GOVCHAIN__-prefixed environment variables (GOVCHAIN__Consensus__ProposeMs=...).</summary>
public static class NodeOptionsLoader
{
    public const string EnvironmentPrefix = "GOVCHAIN__";

    /// <summary>
    /// Loads and validates the configuration. <paramref name="overrides"/> (keys such as
    /// "Consensus:ProposeMs") apply last, after the environment. Throws
    /// <see cref="NodeConfigurationException"/> naming every bad setting.
    /// </summary>
    public static NodeOptions Load(
        string configFile,
        IEnumerable<KeyValuePair<string, string?>>? overrides = null,
        bool includeEnvironment = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(configFile);
        var fullPath = Path.GetFullPath(configFile);
        if (!File.Exists(fullPath))
        {
            throw new NodeConfigurationException($"--config: the configuration file {fullPath} does not exist.");
        }

        var builder = new ConfigurationBuilder().AddJsonFile(fullPath, optional: false, reloadOnChange: false);
        if (includeEnvironment)
        {
            builder.AddEnvironmentVariables(EnvironmentPrefix);
        }

        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        IConfigurationRoot configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            throw new NodeConfigurationException($"--config: {fullPath} is not valid JSON: {ex.Message}", ex);
        }

        var options = Bind(configuration);
        options.BaseDirectory = Path.GetDirectoryName(fullPath) ?? Directory.GetCurrentDirectory();
        NodeOptionsValidator.ResolvePaths(options);
        NodeOptionsValidator.ThrowIfInvalid(options);
        return options;
    }

    /// <summary>Binds a configuration (of any source) strictly: unknown settings and unconvertible values are errors.</summary>
    public static NodeOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new NodeOptions();
        try
        {
            configuration.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the setting ("... at 'Consensus:ProposeMs' ..." or the unknown key).
            throw new NodeConfigurationException($"Configuration: {ex.Message}", ex);
        }

        return options;
    }
}
