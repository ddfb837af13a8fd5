namespace Cloud.Jobs.Evaluation;

/// <summary>A model folder cannot be evaluated; the message says why in terms a person can act on.</summary>
internal sealed class EvaluationException(string message, Exception? inner = null) : Exception(message, inner);
