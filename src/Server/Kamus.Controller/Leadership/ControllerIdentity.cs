namespace Kamus.Controller.Leadership;

/// <summary>This replica's name: its Lease holder identity and the reporting instance of its Events.</summary>
internal sealed class ControllerIdentity(string name)
{
    public string Name { get; } = name;

    /// <summary><c>POD_NAME</c> (or the host name) with a random suffix, so two processes never share an identity.</summary>
    public static ControllerIdentity Create(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new ControllerIdentity(configured);
        }

        var host = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName;
        return new ControllerIdentity($"{host}_{Guid.NewGuid():N}");
    }

    public override string ToString() => Name;
}
