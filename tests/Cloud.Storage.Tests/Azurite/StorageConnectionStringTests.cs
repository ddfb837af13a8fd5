using Cloud.Storage.AzureStorage;

namespace Cloud.Storage.Tests.Azurite;

public sealed class StorageConnectionStringTests
{
    // A syntactically valid key that is not a real one: "test-key-0123456789" in base64.
    private const string Key = "dGVzdC1rZXktMDEyMzQ1Njc4OQ==";

    [Fact]
    public void ThePortalFormDerivesBothEndpointsFromTheAccountName()
    {
        var parsed = StorageConnectionString.Parse($"DefaultEndpointsProtocol=https;AccountName=models1;AccountKey={Key};EndpointSuffix=core.windows.net");

        Assert.Equal("models1", parsed.AccountName);
        Assert.Equal(new Uri("https://models1.blob.core.windows.net"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("https://models1.table.core.windows.net"), parsed.TableEndpoint);
        Assert.Equal("models1", parsed.SharedKey!.AccountName);
        Assert.Null(parsed.SharedAccessSignature);
    }

    [Fact]
    public void ProtocolAndSuffixDefaultToHttpsAndThePublicCloudAndCanBeChanged()
    {
        var defaults = StorageConnectionString.Parse($"AccountName=a1;AccountKey={Key}");
        var sovereign = StorageConnectionString.Parse($"DefaultEndpointsProtocol=http;AccountName=a1;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal(new Uri("https://a1.blob.core.windows.net"), defaults.BlobEndpoint);
        Assert.Equal(new Uri("http://a1.table.core.chinacloudapi.cn"), sovereign.TableEndpoint);
    }

    [Fact]
    public void ExplicitEndpointsWinAndSettingNamesIgnoreCase()
    {
        var parsed = StorageConnectionString.Parse(
            $"accountname=devstoreaccount1;ACCOUNTKEY={Key};BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1/;TableEndpoint=http://127.0.0.1:41002/devstoreaccount1;");

        Assert.Equal(new Uri("http://127.0.0.1:41000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:41002/devstoreaccount1"), parsed.TableEndpoint);
    }

    [Fact]
    public void ASasStringNeedsNoAccountNameOrKey()
    {
        var parsed = StorageConnectionString.Parse("BlobEndpoint=https://a1.blob.core.windows.net;SharedAccessSignature=?sv=2024-11-04&sp=rl&sig=abc%2Bdef%3D");

        Assert.Null(parsed.AccountName);
        Assert.Null(parsed.SharedKey);
        Assert.Equal("sv=2024-11-04&sp=rl&sig=abc%2Bdef%3D", parsed.SharedAccessSignature);
        Assert.Equal(new Uri("https://a1.blob.core.windows.net"), parsed.BlobEndpoint);
        Assert.Null(parsed.TableEndpoint);
    }

    [Fact]
    public void UseDevelopmentStorageMeansAzuritesWellKnownAccountAndPorts()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), parsed.TableEndpoint);
        Assert.Equal(
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
            StorageConnectionString.DevelopmentAccountKey);
    }

    [Fact]
    public void ADevelopmentStorageProxyKeepsTheEmulatorPortsOnItsHost()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://azurite.local");

        Assert.Equal(new Uri("http://azurite.local:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://azurite.local:10002/devstoreaccount1"), parsed.TableEndpoint);
    }

    [Theory]
    [InlineData("", "The storage connection string is empty.")]
    [InlineData("AccountName=a1", "The storage connection string has neither AccountKey nor SharedAccessSignature.")]
    [InlineData("AccountKey=" + Key, "The storage connection string has an AccountKey but no AccountName.")]
    [InlineData("AccountName=a1;AccountKey=" + Key + ";SharedAccessSignature=sig=x", "The storage connection string has both AccountKey and SharedAccessSignature; give one.")]
    [InlineData("AccountName=a1;AcountKey=" + Key, "The storage connection string has an unknown setting 'AcountKey'; known settings are DefaultEndpointsProtocol, AccountName, AccountKey, EndpointSuffix, BlobEndpoint, TableEndpoint, QueueEndpoint, FileEndpoint, SharedAccessSignature, UseDevelopmentStorage, DevelopmentStorageProxyUri.")]
    [InlineData("AccountName=a1;AccountName=a2;AccountKey=" + Key, "The storage connection string sets 'AccountName' more than once.")]
    [InlineData("AccountName=a1;AccountKey=", "The storage connection string's setting 'AccountKey' has no value.")]
    [InlineData("AccountName=a1;" + Key, "The storage connection string has a part that is not Name=Value (not shown: it may hold a secret); settings are Name=Value separated by ';'.")]
    [InlineData("AccountName=a1;=" + Key, "The storage connection string has a part that is not Name=Value (not shown: it may hold a secret); settings are Name=Value separated by ';'.")]
    [InlineData("DefaultEndpointsProtocol=ftp;AccountName=a1;AccountKey=" + Key, "DefaultEndpointsProtocol must be 'https' or 'http', not 'ftp'.")]
    [InlineData("BlobEndpoint=/relative;SharedAccessSignature=sig=x", "BlobEndpoint must be an absolute http(s) URI, not '/relative'.")]
    [InlineData("SharedAccessSignature=sig=x", "The storage connection string has no AccountName, BlobEndpoint or TableEndpoint, so no endpoint can be known.")]
    [InlineData("AccountName=a1;AccountKey=not*base64!", "The AccountKey for storage account 'a1' is not valid base64.")]
    [InlineData("UseDevelopmentStorage=false", "UseDevelopmentStorage must be 'true' when present, not 'false'.")]
    [InlineData("UseDevelopmentStorage=true;AccountName=a1", "'AccountName' cannot be combined with UseDevelopmentStorage=true (only DevelopmentStorageProxyUri can).")]
    [InlineData("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=azurite", "DevelopmentStorageProxyUri must be an absolute http(s) URI, not 'azurite'.")]
    public void BadConnectionStringsNameWhatIsWrong(string connectionString, string message)
    {
        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse(connectionString));
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("AccountName=a1;AccountKey=" + Key + "!")]
    [InlineData("AccountName=a1;" + Key)]
    [InlineData("AccountName=a1;AccountKey " + Key)]
    [InlineData("AccountName=a1;AccountKey=" + Key + ";SharedAccessSignature=sig=x")]
    [InlineData("AccountName=a1;AccountKey=" + Key + ";AccountKey=" + Key)]
    [InlineData("AccountName=a1;AccountKey=" + Key + ";Bogus=1")]
    [InlineData("DefaultEndpointsProtocol=ftp;AccountName=a1;AccountKey=" + Key)]
    public void ErrorsNeverRepeatTheAccountKey(string connectionString)
    {
        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse(connectionString));
        Assert.DoesNotContain(Key[..12], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StoresTurnABadConnectionStringIntoAnArgumentExceptionWithTheSameMessage()
    {
        var blob = Assert.Throws<ArgumentException>(() => new AzureBlobStore("AccountName=a1", "models"));
        var table = Assert.Throws<ArgumentException>(() => new AzureTableStore("AccountName=a1", "Registry"));

        Assert.Equal("connectionString", blob.ParamName);
        Assert.StartsWith("The storage connection string has neither AccountKey nor SharedAccessSignature.", blob.Message, StringComparison.Ordinal);
        Assert.StartsWith("The storage connection string has neither AccountKey nor SharedAccessSignature.", table.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Models")]
    [InlineData("-models")]
    [InlineData("mo--dels")]
    [InlineData("models_1")]
    public void InvalidContainerNamesAreRefused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new AzureBlobStore("UseDevelopmentStorage=true", name));
        Assert.Equal("containerName", error.ParamName);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1table")]
    [InlineData("model-registry")]
    [InlineData("tables")]
    public void InvalidTableNamesAreRefused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new AzureTableStore("UseDevelopmentStorage=true", name));
        Assert.Equal("tableName", error.ParamName);
    }
}
