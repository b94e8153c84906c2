namespace Kamus.Client.Transport;

/// <summary>The server's answer for one value: a plaintext or a failure. Never prints the plaintext.</summary>
internal readonly record struct RemoteAnswer(string? Plaintext, KamusException? Error)
{
    public static RemoteAnswer Success(string plaintext) => new(plaintext, null);

    public static RemoteAnswer Failure(KamusException error) => new(null, error);

    public override string ToString() => Error is null ? "RemoteAnswer(ok)" : $"RemoteAnswer({Error.Kind})";
}
