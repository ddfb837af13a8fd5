using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;

namespace Cloud.Serving.Dashboard;

/// <summary>
/// The dashboard's static files, embedded in this assembly (Cloud.Serving.csproj names them <c>dashboard/…</c>) and
/// read once: a few hundred KiB, so every host serves them from memory with a content hash as the ETag.
/// </summary>
internal sealed class DashboardFiles
{
    private const string Prefix = "dashboard/";

    private readonly FrozenDictionary<string, DashboardFile> _files;

    public DashboardFiles()
    {
        var assembly = typeof(DashboardFiles).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var files = new Dictionary<string, DashboardFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            // MSBuild's RecursiveDir uses the build machine's separator.
            var name = resource.Replace('\\', '/');
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var path = name[Prefix.Length..];
            var type = types.TryGetContentType(path, out var known) ? known : "text/plain";
            if (type.StartsWith("text/", StringComparison.Ordinal))
            {
                type += "; charset=utf-8";
            }

            files[path] = new DashboardFile(path, content, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }

        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<string> Paths => _files.Keys;

    public DashboardFile? Find(string path) => _files.GetValueOrDefault(path);
}

/// <summary>One file of the dashboard: its path under /ui/, its bytes, its content type and its ETag.</summary>
internal sealed record DashboardFile(string Path, byte[] Content, string ContentType, string ETag)
{
    /// <summary>Vendored files carry their version in their folder's name, so a browser may keep them; ours change with every release.</summary>
    public bool Immutable => Path.StartsWith("vendor/", StringComparison.Ordinal);
}
