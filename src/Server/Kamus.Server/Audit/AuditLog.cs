using System.Globalization;
using Kamus.Wire.Identity;
using Kamus.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Kamus.Server.Audit;

/// <summary>
/// One line per API request (category <c>Kamus.Server.Audit</c>): time, source address, action, service account,
/// status, outcome and ciphertext fingerprints. Never values, tokens or keys.
/// </summary>
internal partial class AuditLog
{
    /// <summary>The logger category of audit lines.</summary>
    public const string Category = "Kamus.Server.Audit";

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly bool _enabled;

    /// <summary>Creates the audit log.</summary>
    public AuditLog(ILoggerFactory loggerFactory, TimeProvider time, IOptions<KamusServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(options);
        _logger = loggerFactory.CreateLogger(Category);
        _time = time;
        _enabled = options.Value.Audit.Enabled;
    }

    /// <summary>Whether audit lines are written (callers skip computing fingerprints otherwise).</summary>
    public bool IsEnabled => _enabled && _logger.IsEnabled(LogLevel.Information);

    /// <summary>Writes the audit line of one request.</summary>
    /// <param name="context">The request.</param>
    /// <param name="action">What was asked: <c>encrypt</c>, <c>decrypt</c>, <c>encrypt-batch</c>, <c>decrypt-batch</c>.</param>
    /// <param name="identity">The service account concerned (the target of encrypt, the caller of decrypt), when known.</param>
    /// <param name="outcome">A short outcome word or reason.</param>
    /// <param name="fingerprints">Ciphertext fingerprints (<see cref="Kamus.Wire.Formats.CiphertextFingerprint"/>), or "-".</param>
    public void Write(HttpContext context, string action, ServiceAccountIdentity? identity, string outcome, string fingerprints)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (IsEnabled)
        {
            var time = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            var source = context.Connection.RemoteIpAddress?.ToString() ?? "-";
            var who = identity?.ToString() ?? "-";
            LogRequest(_logger, time, source, action, who, context.Response.StatusCode, outcome, fingerprints);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "audit time={Time} source={Source} action={Action} identity={Identity} status={Status} outcome={Outcome} fingerprint={Fingerprint}")]
    private static partial void LogRequest(ILogger logger, string time, string source, string action, string identity, int status, string outcome, string fingerprint);
}
