using System.ComponentModel.DataAnnotations;

namespace Kamus.Sample;

/// <summary>The sample application's settings: three secrets (encrypted in appsettings.json) and two plain values.</summary>
public sealed class OrdersOptions
{
    public const string SectionName = "Orders";

    [Required]
    public string? Database { get; set; }

    [Required]
    [MinLength(16)]
    public string? PaymentsApiKey { get; set; }

    [Required]
    public string? WebhookSigningKey { get; set; }

    [Required]
    [Url]
    public string? PaymentsEndpoint { get; set; }

    [Range(0, 10)]
    public int MaxRetries { get; set; }

    /// <summary>Shows the options with every secret masked.</summary>
    public override string ToString() =>
        $"Database = {Mask(Database)}, PaymentsApiKey = {Mask(PaymentsApiKey)}, WebhookSigningKey = {Mask(WebhookSigningKey)}, " +
        $"PaymentsEndpoint = {PaymentsEndpoint}, MaxRetries = {MaxRetries}";

    private static string Mask(string? secret) => string.IsNullOrEmpty(secret) ? "(missing)" : "********";
}
