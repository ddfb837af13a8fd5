namespace Cloud.Storage.Tests.Azurite;

/// <summary>Unique, valid names so every test gets its own container or table in the shared emulator.</summary>
internal static class Names
{
    /// <summary>Lowercase letters and digits, 33 characters (containers allow 3–63).</summary>
    public static string Container() => $"c{Guid.NewGuid():N}";

    /// <summary>A letter then letters and digits, 33 characters (tables allow 3–63).</summary>
    public static string Table() => $"t{Guid.NewGuid():N}";
}
