namespace Cloud.Jobs.Queue;

/// <summary>The message's lock ran out or was taken over: another receiver may hold the message now.</summary>
internal sealed class JobLockLostException(string message, Exception? inner = null) : Exception(message, inner);
