using Kamus.Testing;

namespace Kamus.Client.Tests.Support;

/// <summary>Tests that change the process environment (<see cref="EnvironmentScope"/>) run alone.</summary>
[CollectionDefinition(EnvironmentScope.Collection, DisableParallelization = true)]
public sealed class ProcessEnvironmentGroup;
