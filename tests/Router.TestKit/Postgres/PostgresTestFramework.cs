using System.ComponentModel;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Router.TestKit.Postgres;

/// <summary>
/// The xunit test framework of a test assembly whose tests all need PostgreSQL:
/// <c>[assembly: TestFramework("Router.TestKit.Postgres.PostgresTestFramework", "Router.TestKit")]</c>.
/// When <see cref="PostgresTestEnvironment.SkipReason"/> is set, every test is reported as skipped with it,
/// inherited ones included (the journal TCK's [Fact]s, which a derived class cannot mark). xunit 2 has no
/// dynamic skip; a test that returned early would be reported as passed, which would be a lie.
/// </summary>
public sealed class PostgresTestFramework : XunitTestFramework
{
    public PostgresTestFramework(IMessageSink messageSink)
        : base(messageSink)
    {
    }

    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer : XunitTestFrameworkDiscoverer
    {
        public Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
            : base(assemblyInfo, sourceProvider, diagnosticMessageSink)
        {
        }

        protected override bool FindTestsForMethod(
            ITestMethod testMethod,
            bool includeSourceInformation,
            IMessageBus messageBus,
            ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (PostgresTestEnvironment.SkipReason is null
                || !testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
            {
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            }
            // One skipped case per test method (a theory's data is not enumerated: it may need the server).
            var testCase = new SkippedWithoutPostgresTestCase(
                DiagnosticMessageSink,
                discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(),
                testMethod);
            return ReportDiscoveredTestCase(testCase, includeSourceInformation, messageBus);
        }
    }
}

/// <summary>
/// A test case skipped because PostgreSQL is not configured. The reason is computed, not stored, so a case
/// serialized at discovery and rebuilt by the runner says the same.
/// </summary>
public sealed class SkippedWithoutPostgresTestCase : XunitTestCase
{
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedWithoutPostgresTestCase()
    {
    }

    public SkippedWithoutPostgresTestCase(
        IMessageSink diagnosticMessageSink,
        TestMethodDisplay defaultMethodDisplay,
        TestMethodDisplayOptions defaultMethodDisplayOptions,
        ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        PostgresTestEnvironment.SkipReason ?? base.GetSkipReason(factAttribute);
}
