using Kamus.KeyManagement.Ciphertexts;

namespace Kamus.Server.Configuration;

/// <summary>The server's own settings, section <c>Kamus</c>.</summary>
internal sealed class KamusServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Kamus";

    /// <summary>Development mode: the well-known insecure key and a static token map instead of TokenReview.</summary>
    public DevelopmentOptions Development { get; set; } = new();

    /// <summary>When set, sent in <c>spec.audiences</c> of every TokenReview and required in <c>status.audiences</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>What encrypt writes.</summary>
    public EncryptionOptions Encryption { get; set; } = new();

    /// <summary>The cache of successful token reviews.</summary>
    public ReviewCacheOptions ReviewCache { get; set; } = new();

    /// <summary>Request limits.</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>The audit log.</summary>
    public AuditOptions Audit { get; set; } = new();

    /// <summary>What a decrypt caller's token must be.</summary>
    public TokenOptions Tokens { get; set; } = new();

    /// <summary>Per-client rate limits.</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>Switches back to upstream behaviour where this server deliberately differs.</summary>
    public CompatibilityOptions Compatibility { get; set; } = new();
}

/// <summary>Upstream behaviour switches (<c>Kamus:Compatibility</c>).</summary>
internal sealed class CompatibilityOptions
{
    /// <summary>
    /// Let tokens of a namespace's <c>default</c> service account decrypt, as upstream does (off by default: every pod
    /// without its own account runs as it). Needed only where such pods decrypt values today, which upstream's shared
    /// non-derived key (<c>UseKeyDeriviation=false</c>) allows. Encrypting for <c>default</c> stays refused, as upstream.
    /// </summary>
    public bool AllowDefaultServiceAccountDecrypt { get; set; }
}

/// <summary>Caller token settings (<c>Kamus:Tokens</c>).</summary>
internal sealed class TokenOptions
{
    /// <summary>The longest bearer token reviewed, in characters (8,192 by default); longer ones are answered 401 without a review.</summary>
    public int MaxLength { get; set; } = 8192;

    /// <summary>
    /// Accept only pod-bound tokens: the TokenReview must name the pod (<c>user.extra["authentication.kubernetes.io/pod-name"]</c>,
    /// which projected tokens carry and legacy Secret-based tokens do not). Off by default, as upstream.
    /// </summary>
    public bool RequirePodBound { get; set; }
}

/// <summary>Per-client rate limits (<c>Kamus:RateLimits</c>); a client is a remote IP address. 0 turns a limit off.</summary>
internal sealed class RateLimitOptions
{
    /// <summary>TokenReviews a client may cause per minute (tokens not already in the review cache); more are answered 429.</summary>
    public int TokenReviewsPerMinute { get; set; } = 120;

    /// <summary>Encrypt requests (<c>/api/v1/encrypt</c>, <c>/api/v2/encrypt</c>) a client may send per minute; more are answered 429.</summary>
    public int EncryptRequestsPerMinute { get; set; } = 300;
}

/// <summary>Development mode settings (<c>Kamus:Development</c>).</summary>
internal sealed class DevelopmentOptions
{
    /// <summary>Use the well-known INSECURE development key (when no key is configured) and the static token map.</summary>
    public bool Enabled { get; set; }

    /// <summary>A JSON file holding an object <c>token → "namespace:serviceAccount"</c>.</summary>
    public string? TokensFile { get; set; }
}

/// <summary>Encryption settings (<c>Kamus:Encryption</c>).</summary>
internal sealed class EncryptionOptions
{
    /// <summary>What encrypt writes.</summary>
    public CiphertextWriteFormat Format { get; set; } = CiphertextWriteFormat.V2;
}

/// <summary>Review cache settings (<c>Kamus:ReviewCache</c>).</summary>
internal sealed class ReviewCacheOptions
{
    /// <summary>Whether successful reviews are cached.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The longest a review is reused; a token's own expiry (JWT <c>exp</c>) shortens it.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most reviews kept (successful and refused ones are bounded separately).</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>How long a refused token (unknown, expired, not a service account) is answered without a new review.</summary>
    public TimeSpan RefusedTtl { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Request limits (<c>Kamus:Limits</c>).</summary>
internal sealed class LimitsOptions
{
    /// <summary>The largest request body, in bytes (1 MiB by default). Larger bodies are answered 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The most items of a batch request (5,000 by default). More are answered 413.</summary>
    public int MaxBatchItems { get; set; } = 5_000;
}

/// <summary>Audit log settings (<c>Kamus:Audit</c>).</summary>
internal sealed class AuditOptions
{
    /// <summary>Whether one audit line is written per request (category <c>Kamus.Server.Audit</c>).</summary>
    public bool Enabled { get; set; } = true;
}
