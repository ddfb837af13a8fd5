namespace Cloud.Registry.Registration;

/// <summary>
/// This process's part of the work folder (<see cref="RegistrationOptions.WorkDirectory"/>): <c>work/{instance}/</c>, where
/// registration downloads model files and datasets to hash, inspect and copy them (a model file is as big as the model).
/// The process holds <c>work/{instance}/.lock</c> open and locked for as long as it lives, and the operating system lets
/// go of the lock when the process ends, however it ends (kill -9 included). So a starting host deletes exactly the
/// folders whose lock it can take, those of processes that died mid-registration, and keeps those of live hosts that
/// share the work folder (two hosts started from one directory).
/// </summary>
/// <remarks>
/// Why a lock and not the owner's process id: ids are reused, and a lock is released by the kernel on Linux (flock,
/// which .NET takes for <see cref="FileShare.None"/>) and on Windows (share modes) alike, with nothing to poll.
/// </remarks>
internal sealed class WorkFolder : IDisposable
{
    private const string LockName = ".lock";
    private readonly FileStream _lock;

    public WorkFolder(string root)
    {
        Root = Path.GetFullPath(root);
        Folder = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        _lock = TryLock(Folder) ?? throw new IOException($"Could not lock the new work folder {Folder}.");
    }

    /// <summary>The work folder every process shares.</summary>
    public string Root { get; }

    /// <summary>This process's folder inside it.</summary>
    public string Folder { get; }

    /// <summary>A new file name in this process's folder (nothing is created).</summary>
    public string NewFile(string extension) => Path.Combine(Folder, $"{Guid.NewGuid():N}{extension}");

    /// <summary>
    /// Deletes the folders of processes that are gone (their lock is free) and loose files in the root, which hosts wrote
    /// before work folders had owners. Returns how many folders and files were deleted.
    /// </summary>
    public int DeleteAbandoned()
    {
        var deleted = 0;
        foreach (var entry in new DirectoryInfo(Root).EnumerateFileSystemInfos())
        {
            if (entry.FullName == Folder || (entry is DirectoryInfo owned && !IsAbandoned(owned)))
            {
                continue;
            }

            try
            {
                if (entry is DirectoryInfo directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }

                deleted++;
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // In use after all (Windows refuses to delete an open file): it stays for the next start.
            }
        }

        return deleted;
    }

    public void Dispose()
    {
        _lock.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // A file still open (an inspection stopping): the next start deletes the folder, its lock being free.
        }
    }

    private static bool IsAbandoned(DirectoryInfo folder)
    {
        // Taken and let go at once: the folder's owner is gone, and no live process adopts another's folder.
        using var taken = TryLock(folder.FullName);
        return taken is not null;
    }

    private static FileStream? TryLock(string folder)
    {
        try
        {
            return new FileStream(Path.Combine(folder, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Held by a live process (or the folder went away meanwhile: another starting host deleted it).
            return null;
        }
    }
}
