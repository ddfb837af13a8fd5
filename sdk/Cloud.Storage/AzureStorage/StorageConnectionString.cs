namespace Cloud.Storage.AzureStorage;

/// <summary>
/// An Azure Storage connection string, parsed: the account, how to authenticate (shared key or SAS) and the
/// blob and table endpoints. Accepts the portal's form (<c>DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=...</c>),
/// explicit endpoints (<c>BlobEndpoint=...;TableEndpoint=...</c>), SAS strings, and <c>UseDevelopmentStorage=true</c> for Azurite.
/// </summary>
/// <remarks>
/// Error messages name the key that is missing or wrong and never repeat a value, since the string holds a secret.
/// </remarks>
internal sealed class StorageConnectionString
{
    /// <summary>Azurite's (and the old storage emulator's) fixed account; its key is published, not a secret.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The published key of <see cref="DevelopmentAccountName"/>.</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int DevelopmentBlobPort = 10000;
    private const int DevelopmentTablePort = 10002;

    private static readonly string[] KnownKeys =
    [
        "DefaultEndpointsProtocol", "AccountName", "AccountKey", "EndpointSuffix", "BlobEndpoint", "TableEndpoint",
        "QueueEndpoint", "FileEndpoint", "SharedAccessSignature", "UseDevelopmentStorage", "DevelopmentStorageProxyUri",
    ];

    private StorageConnectionString(string? accountName, StorageSharedKey? sharedKey, string? sharedAccessSignature, Uri? blobEndpoint, Uri? tableEndpoint)
    {
        AccountName = accountName;
        SharedKey = sharedKey;
        SharedAccessSignature = sharedAccessSignature;
        BlobEndpoint = blobEndpoint;
        TableEndpoint = tableEndpoint;
    }

    /// <summary>The account name, when the string names one (SAS strings with explicit endpoints may not).</summary>
    public string? AccountName { get; }

    /// <summary>The account key, when the string authenticates with one.</summary>
    public StorageSharedKey? SharedKey { get; }

    /// <summary>The SAS token without its leading '?', when the string authenticates with one.</summary>
    public string? SharedAccessSignature { get; }

    /// <summary>The blob service endpoint (for Azurite, <c>http://127.0.0.1:10000/devstoreaccount1</c>).</summary>
    public Uri? BlobEndpoint { get; }

    /// <summary>The table service endpoint (for Azurite, <c>http://127.0.0.1:10002/devstoreaccount1</c>).</summary>
    public Uri? TableEndpoint { get; }

    /// <summary>Parses a connection string; <see cref="FormatException"/> names what is missing or malformed.</summary>
    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = Split(connectionString);

        if (settings.TryGetValue("UseDevelopmentStorage", out var development))
        {
            return ParseDevelopment(development, settings);
        }

        settings.TryGetValue("AccountName", out var accountName);
        settings.TryGetValue("AccountKey", out var accountKey);
        settings.TryGetValue("SharedAccessSignature", out var sas);
        if (accountKey is not null && sas is not null)
        {
            throw new FormatException("The storage connection string has both AccountKey and SharedAccessSignature; give one.");
        }

        if (accountKey is null && sas is null)
        {
            throw new FormatException("The storage connection string has neither AccountKey nor SharedAccessSignature.");
        }

        if (accountKey is not null && accountName is null)
        {
            throw new FormatException("The storage connection string has an AccountKey but no AccountName.");
        }

        var protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol", "https");
        if (protocol is not ("https" or "http"))
        {
            throw new FormatException($"DefaultEndpointsProtocol must be 'https' or 'http', not '{protocol}'.");
        }

        var suffix = settings.GetValueOrDefault("EndpointSuffix", "core.windows.net").Trim('.');
        var blob = Endpoint(settings, "BlobEndpoint") ?? (accountName is null ? null : new Uri($"{protocol}://{accountName}.blob.{suffix}"));
        var table = Endpoint(settings, "TableEndpoint") ?? (accountName is null ? null : new Uri($"{protocol}://{accountName}.table.{suffix}"));
        if (blob is null && table is null)
        {
            throw new FormatException("The storage connection string has no AccountName, BlobEndpoint or TableEndpoint, so no endpoint can be known.");
        }

        var key = accountKey is null ? null : StorageSharedKey.Create(accountName!, accountKey);
        return new StorageConnectionString(accountName, key, sas?.TrimStart('?'), blob, table);
    }

    /// <summary>As <see cref="Parse"/>, for constructors: the same message as an <see cref="ArgumentException"/> naming the parameter.</summary>
    public static StorageConnectionString ParseArgument(string connectionString, string parameterName)
    {
        try
        {
            return Parse(connectionString);
        }
        catch (FormatException error)
        {
            throw new ArgumentException(error.Message, parameterName, error);
        }
    }

    private static StorageConnectionString ParseDevelopment(string value, Dictionary<string, string> settings)
    {
        if (!bool.TryParse(value, out var useDevelopment) || !useDevelopment)
        {
            throw new FormatException($"UseDevelopmentStorage must be 'true' when present, not '{value}'.");
        }

        foreach (var key in settings.Keys)
        {
            if (key is not ("UseDevelopmentStorage" or "DevelopmentStorageProxyUri"))
            {
                throw new FormatException($"'{key}' cannot be combined with UseDevelopmentStorage=true (only DevelopmentStorageProxyUri can).");
            }
        }

        var host = new Uri("http://127.0.0.1");
        if (settings.TryGetValue("DevelopmentStorageProxyUri", out var proxy)
            && (!Uri.TryCreate(proxy, UriKind.Absolute, out host!) || host.Scheme is not ("http" or "https")))
        {
            throw new FormatException($"DevelopmentStorageProxyUri must be an absolute http(s) URI, not '{proxy}'.");
        }

        // The emulator is path-style: the account is the first path segment on fixed per-service ports.
        Uri At(int port) => new UriBuilder(host.Scheme, host.Host, port, DevelopmentAccountName).Uri;
        return new StorageConnectionString(
            DevelopmentAccountName,
            StorageSharedKey.Create(DevelopmentAccountName, DevelopmentAccountKey),
            sharedAccessSignature: null,
            At(DevelopmentBlobPort),
            At(DevelopmentTablePort));
    }

    private static Dictionary<string, string> Split(string connectionString)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split at the first '=' only: keys and SAS tokens contain '=' themselves. A part without a plain name may be
            // a pasted key, so it is never shown.
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? part[..equals].Trim() : "";
            if (name.Length == 0 || !name.All(char.IsAsciiLetter))
            {
                throw new FormatException("The storage connection string has a part that is not Name=Value (not shown: it may hold a secret); settings are Name=Value separated by ';'.");
            }

            if (equals == part.Length - 1)
            {
                throw new FormatException($"The storage connection string's setting '{name}' has no value.");
            }

            var known = Array.Find(KnownKeys, k => k.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new FormatException($"The storage connection string has an unknown setting '{name}'; known settings are {string.Join(", ", KnownKeys)}.");
            if (!settings.TryAdd(known, part[(equals + 1)..].Trim()))
            {
                throw new FormatException($"The storage connection string sets '{known}' more than once.");
            }
        }

        return settings.Count > 0 ? settings : throw new FormatException("The storage connection string is empty.");
    }

    private static Uri? Endpoint(Dictionary<string, string> settings, string name)
    {
        if (!settings.TryGetValue(name, out var value))
        {
            return null;
        }

        return Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new FormatException($"{name} must be an absolute http(s) URI, not '{value}'.");
    }
}
