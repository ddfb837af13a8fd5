using System.Text;
using Cloud.Sdk.Manifests;

namespace Cloud.Sdk.Tests.Manifests;

/// <summary>Whatever the bytes, the reader returns a result: a manifest, or errors with a path and a message. It never throws.</summary>
public sealed class RobustnessTests
{
    [Fact]
    public void MutatedManifestsNeverThrow()
    {
        var original = File.ReadAllBytes(Repo.File("samples", "models", "iris", "model.json"));
        var random = new Random(20240501);
        byte[] interesting = [.. "{}[]\",:\\u0.-e19ntfl \n"u8, 0x00, 0x7F, 0x80, 0xC3, 0xED, 0xF0, 0xFF];

        for (var i = 0; i < 5000; i++)
        {
            var bytes = original.ToArray();
            var edits = random.Next(1, 4);
            for (var e = 0; e < edits; e++)
            {
                var at = random.Next(bytes.Length);
                switch (random.Next(3))
                {
                    case 0:
                        bytes[at] = interesting[random.Next(interesting.Length)];
                        break;
                    case 1:
                        bytes = [.. bytes[..at], interesting[random.Next(interesting.Length)], .. bytes[at..]];
                        break;
                    default:
                        bytes = [.. bytes[..at], .. bytes[(at + 1)..]];
                        break;
                }
            }

            var result = ManifestReader.Read(bytes, "iris", "1.0.0");

            Assert.Equal(result.Succeeded, result.Errors.Count == 0);
            Assert.All(result.Errors, error =>
            {
                Assert.StartsWith("$", error.Path, StringComparison.Ordinal);
                Assert.True(error.Message.EndsWith('.') || error.Message.EndsWith('?'), error.Message);
            });
        }
    }

    [Fact]
    public void TruncatedManifestsNeverThrow()
    {
        var original = Encoding.UTF8.GetBytes(File.ReadAllText(Repo.File("samples", "models", "iris", "model.json")));

        // Every prefix that stops before the closing brace.
        for (var length = 0; length < Array.LastIndexOf(original, (byte)'}'); length++)
        {
            var result = ManifestReader.Read(original.AsSpan(0, length));

            Assert.False(result.Succeeded);
            Assert.NotEmpty(result.Errors);
        }
    }

    [Fact]
    public void HostileLongKeysAreHandledQuickly()
    {
        var key = new string('k', 30_000);
        var json = Manifests.With($"\"{key}\": 1, \"tags\": {{ \"{key}\": \"v\" }}");

        var errors = Manifests.Read(json).Errors;

        Assert.Equal(2, errors.Count);
        Assert.All(errors, error => Assert.True(error.Message.Length < 400, error.Message));
    }
}
