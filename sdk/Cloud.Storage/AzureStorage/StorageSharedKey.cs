using System.Security.Cryptography;
using System.Text;

namespace Cloud.Storage.AzureStorage;

/// <summary>An account name and its decoded key; signs strings-to-sign with HMAC-SHA256 as Shared Key requires.</summary>
internal sealed class StorageSharedKey
{
    private readonly byte[] _key;

    private StorageSharedKey(string accountName, byte[] key)
    {
        AccountName = accountName;
        _key = key;
    }

    public string AccountName { get; }

    /// <summary>Validates the name and decodes the base64 key; the message never contains the key.</summary>
    public static StorageSharedKey Create(string accountName, string base64Key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentNullException.ThrowIfNull(base64Key);
        var buffer = new byte[base64Key.Length];
        if (base64Key.Length == 0 || !Convert.TryFromBase64String(base64Key, buffer, out var written))
        {
            throw new FormatException($"The AccountKey for storage account '{accountName}' is not valid base64.");
        }

        return new StorageSharedKey(accountName, buffer[..written]);
    }

    /// <summary>Base64 of HMAC-SHA256(key, UTF-8 string-to-sign).</summary>
    public string Sign(string stringToSign) => Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));

    /// <inheritdoc/>
    public override string ToString() => AccountName; // never the key, even in a debugger or a log line
}
