using Kamus.Wire.Identity;

namespace Kamus.Server.Endpoints;

/// <summary>Validates the service account an encrypt request names, before any key work.</summary>
internal static class EncryptTarget
{
    /// <summary>The identity, or the 400 message explaining what is wrong.</summary>
    public static string? Validate(string? serviceAccount, string? @namespace, out ServiceAccountIdentity identity)
    {
        identity = default;
        if (string.IsNullOrEmpty(serviceAccount))
        {
            return ErrorMessages.MissingServiceAccount;
        }

        if (string.IsNullOrEmpty(@namespace))
        {
            return ErrorMessages.MissingNamespace;
        }

        if (!KubernetesNames.IsValidNamespace(@namespace))
        {
            return ErrorMessages.InvalidNamespace;
        }

        if (!KubernetesNames.IsValidServiceAccountName(serviceAccount))
        {
            return ErrorMessages.InvalidServiceAccount;
        }

        identity = new ServiceAccountIdentity(@namespace, serviceAccount);
        return identity.IsDefaultServiceAccount ? ErrorMessages.DefaultServiceAccount : null;
    }
}
