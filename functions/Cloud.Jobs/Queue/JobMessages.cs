using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cloud.Sdk.Jobs;

namespace Cloud.Jobs.Queue;

/// <summary>How a job message travels on every backend: its JSON body and its message id.</summary>
internal static class JobMessages
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Reasons the queues give a dead-lettered message, Service Bus's own where it has one.</summary>
    public const string MaxDeliveryCountExceeded = "MaxDeliveryCountExceeded";
    public const string NotAJob = "NotAJob";

    public static byte[] Serialize(JobMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, Json);

    /// <summary>The message in the body, or null when the body is no job message (it is then dead-lettered, never run).</summary>
    public static JobMessage? TryDeserialize(ReadOnlySpan<byte> body)
    {
        try
        {
            var message = JsonSerializer.Deserialize<JobMessage>(body, Json);
            return message is { Attempt: > 0 } && JobIds.IsValid(message.Id) && !string.IsNullOrEmpty(message.Kind) ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The message id duplicate detection works on: the job id and the attempt, so a redelivered trigger's copy is
    /// dropped but a retry (the next attempt, sent with a delay) is not. Ids past Service Bus's 128 characters are
    /// hashed (ours are at most 100, but a message from elsewhere may not be).
    /// </summary>
    public static string MessageId(string jobId, int attempt) =>
        jobId.Length <= JobIds.MaxLength ? $"{jobId}:{attempt}" : $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobId)))[..64]}:{attempt}";

    public static string MessageId(JobMessage message) => MessageId(message.Id, message.Attempt);
}
