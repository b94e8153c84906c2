using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Kamus.KeyManagement;

/// <summary>
/// What a cloud KMS provider takes from its host: settings outside <c>KeyManagement</c> (upstream's
/// <c>ActiveDirectory</c>), HTTP clients (so the host can configure handlers, as tests do to trust a stand-in), the
/// clock and logging.
/// </summary>
internal sealed record KeyMaterialServices(IConfiguration Configuration, IHttpClientFactory HttpClients, TimeProvider Time, ILoggerFactory Loggers);
