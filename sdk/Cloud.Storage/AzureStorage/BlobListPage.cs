using System.Globalization;
using System.Xml.Linq;
using Cloud.Storage.Blobs;

namespace Cloud.Storage.AzureStorage;

/// <summary>One page of a List Blobs answer: the blobs it names and the marker of the next page, if any.</summary>
internal sealed record BlobListPage(IReadOnlyList<BlobProperties> Blobs, string? NextMarker)
{
    /// <summary>Reads the <c>EnumerationResults</c> document List Blobs returns.</summary>
    public static BlobListPage Parse(Stream xml)
    {
        var root = XDocument.Load(xml).Root ?? throw new FormatException("List Blobs returned an empty document.");
        var blobs = new List<BlobProperties>();
        foreach (var blob in root.Element("Blobs")?.Elements("Blob") ?? [])
        {
            var name = blob.Element("Name") ?? throw new FormatException("List Blobs returned a Blob without a Name.");
            var properties = blob.Element("Properties") ?? throw new FormatException($"List Blobs returned '{name.Value}' without Properties.");
            blobs.Add(new BlobProperties(
                DecodeName(name),
                long.Parse(Required(properties, "Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture),
                StorageResponses.ParseETag(Required(properties, "Etag")),
                StorageResponses.ParseHttpDate(Required(properties, "Last-Modified"))));
        }

        var next = root.Element("NextMarker")?.Value;
        return new BlobListPage(blobs, string.IsNullOrEmpty(next) ? null : next);
    }

    // Names with characters XML cannot carry come back percent-encoded and flagged Encoded="true" (2020-12-06+).
    private static string DecodeName(XElement name) =>
        (string?)name.Attribute("Encoded") is { } encoded && bool.TryParse(encoded, out var isEncoded) && isEncoded
            ? Uri.UnescapeDataString(name.Value)
            : name.Value;

    private static string Required(XElement properties, string name) =>
        properties.Element(name)?.Value ?? throw new FormatException($"List Blobs returned a blob without {name}.");
}
