using Kamus.Configuration.Testing;
using Kamus.Configuration.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Kamus.Configuration.Tests.Unit;

public sealed class SynchronizationContextTests
{
    [Fact]
    public void Build_under_a_single_threaded_context_does_not_deadlock()
    {
        var context = new SingleThreadedSynchronizationContext();
        // The client awaits without ConfigureAwait(false): had the provider called it on this thread under the context,
        // its continuation would be posted to the context, which is never pumped while Build() blocks.
        var (value, failure) = context.RunOnOwnThread(
            () => new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["A"] = "kamus:ct" })
                .AddKamus(o => o.Client = new YieldingClient(new InMemoryKamusClient().Add("ct", "plain")))
                .Build()["A"],
            "Build() deadlocked under a single-threaded SynchronizationContext.");

        Assert.Null(failure);
        Assert.Equal("plain", value);
        Assert.Equal(0, context.Posted);
    }
}
