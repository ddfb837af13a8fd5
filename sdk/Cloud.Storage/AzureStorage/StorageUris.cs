namespace Cloud.Storage.AzureStorage;

/// <summary>Endpoint and path helpers shared by the Blob and Table clients.</summary>
internal static class StorageUris
{
    /// <summary>
    /// The account an endpoint belongs to. Emulator and IP endpoints are path-style (the account is the first path
    /// segment: http://127.0.0.1:10000/devstoreaccount1); service endpoints carry it as the first host label.
    /// </summary>
    public static string AccountName(Uri endpoint)
    {
        var pathStyle = endpoint.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || !endpoint.Host.Contains('.', StringComparison.Ordinal);
        var name = pathStyle
            ? endpoint.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            : endpoint.Host.Split('.')[0];
        return string.IsNullOrEmpty(name) ? endpoint.Host : Uri.UnescapeDataString(name);
    }

    /// <summary>Percent-encodes each '/'-separated segment of a blob path, keeping the separators.</summary>
    public static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
