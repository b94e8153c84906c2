namespace Kamus.Testing;

/// <summary>
/// Sets (or removes) process environment variables for the length of a test and restores them on dispose, so that a
/// test of environment defaults controls its environment instead of returning early when the machine's differs. The
/// environment is shared by every test in the process: such tests belong to a collection named <see cref="Collection"/>,
/// defined in their project with <c>DisableParallelization = true</c>, so that nothing runs beside them.
/// </summary>
public sealed class EnvironmentScope : IDisposable
{
    /// <summary>The name of the non-parallel collection of tests that change the process environment.</summary>
    public const string Collection = "Process environment";

    private readonly Dictionary<string, string?> _saved = new(StringComparer.Ordinal);

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/> (<see langword="null"/> removes it) until dispose.</summary>
    public EnvironmentScope Set(string name, string? value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
