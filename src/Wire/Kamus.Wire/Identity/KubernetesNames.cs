namespace Kamus.Wire.Identity;

/// <summary>Validation of Kubernetes object names, as the API server applies it.</summary>
internal static class KubernetesNames
{
    /// <summary>A namespace name: an RFC 1123 label (lowercase alphanumerics and '-', at most 63, alphanumeric at both ends).</summary>
    public static bool IsValidNamespace(string? value) => IsDnsLabel(value);

    /// <summary>A service-account name: an RFC 1123 subdomain (labels joined by '.', at most 253 characters).</summary>
    public static bool IsValidServiceAccountName(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 253)
        {
            return false;
        }

        foreach (var label in value.Split('.'))
        {
            if (!IsDnsLabel(label))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDnsLabel(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 63)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var alnum = c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
            if (!alnum && (c != '-' || i == 0 || i == value.Length - 1))
            {
                return false;
            }
        }

        return true;
    }
}
