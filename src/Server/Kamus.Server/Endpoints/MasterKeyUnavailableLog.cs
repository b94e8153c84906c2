namespace Kamus.Server.Endpoints;

/// <summary>The error line of a request the master-key backend could not serve (like the TokenReview reviewer's own).</summary>
internal static partial class MasterKeyUnavailableLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "The master key backend is unavailable while serving {Path}: {Reason}.")]
    public static partial void Write(ILogger logger, string path, string reason);
}
