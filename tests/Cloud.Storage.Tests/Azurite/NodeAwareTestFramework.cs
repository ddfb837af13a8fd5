using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Cloud.Storage.Tests.Azurite.NodeAwareTestFramework", "Cloud.Storage.Tests")]

namespace Cloud.Storage.Tests.Azurite;

/// <summary>
/// xunit 2 has no dynamic skip, and the contract tests are inherited [Fact]s whose attributes we cannot change, so
/// skipping happens at discovery: tests of a <see cref="RequiresNodeAttribute"/> class are reported as skipped
/// (naming node) when Node.js is missing. Every other test is discovered exactly as xunit's own framework does.
/// </summary>
public sealed class NodeAwareTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            var isTest = testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any();
            if (NodeJs.MissingReason is { } reason && isTest && NeedsNode(testMethod.TestClass.Class))
            {
                var skipped = new XunitSkippedDataRowTestCase(
                    DiagnosticMessageSink, TestMethodDisplay.ClassAndMethod, TestMethodDisplayOptions.None, testMethod, reason);
                return ReportDiscoveredTestCase(skipped, includeSourceInformation, messageBus);
            }

            return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
        }

        private static bool NeedsNode(ITypeInfo type) =>
            type is IReflectionTypeInfo reflection && reflection.Type.GetCustomAttribute<RequiresNodeAttribute>(inherit: true) is not null;
    }
}
