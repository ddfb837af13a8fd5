using System.Globalization;

namespace Cloud.Jobs.Runner;

/// <summary>
/// Where runs keep their files while they run ({work}/jobs/{job id}/{run}/): a folder of each run's own, deleted when
/// it ends. What a runner that died left behind is deleted when the job runs again here.
/// </summary>
internal sealed class JobWorkspace(string root)
{
    public string Create(string id, int run)
    {
        var job = Path.Combine(root, id);
        Delete(job);
        return Directory.CreateDirectory(Path.Combine(job, run.ToString(CultureInfo.InvariantCulture))).FullName;
    }

    /// <summary>Deletes a run's folder and its job's, which holds nothing else.</summary>
    public void Delete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
            var job = Path.GetDirectoryName(directory);
            if (job is not null && Path.GetDirectoryName(job) == Path.GetFullPath(root) && !Directory.EnumerateFileSystemEntries(job).Any())
            {
                Directory.Delete(job);
            }
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
