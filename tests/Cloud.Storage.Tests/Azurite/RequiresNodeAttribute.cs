namespace Cloud.Storage.Tests.Azurite;

/// <summary>
/// Marks a test class that needs Node.js (Azurite). When node is not on PATH, <see cref="NodeAwareTestFramework"/>
/// reports every test of the class as skipped with the reason, instead of failing them.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequiresNodeAttribute : Attribute;
