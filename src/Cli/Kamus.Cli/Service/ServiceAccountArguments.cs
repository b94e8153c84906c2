using Kamus.Wire.Identity;

namespace Kamus.Cli.Service;

/// <summary>Checks <c>--service-account</c> and <c>--namespace</c> before anything is sent.</summary>
internal static class ServiceAccountArguments
{
    /// <exception cref="CliException">A name is invalid, or it is the <c>default</c> service account.</exception>
    public static ServiceAccountIdentity Validate(string @namespace, string serviceAccount)
    {
        if (!KubernetesNames.IsValidNamespace(@namespace))
        {
            throw CliException.Usage($"--namespace '{@namespace}' is not a valid Kubernetes namespace name (lowercase letters, digits and '-').");
        }

        if (!KubernetesNames.IsValidServiceAccountName(serviceAccount))
        {
            throw CliException.Usage($"--service-account '{serviceAccount}' is not a valid Kubernetes service-account name.");
        }

        var identity = new ServiceAccountIdentity(@namespace, serviceAccount);
        if (identity.IsDefaultServiceAccount)
        {
            throw CliException.Usage($"refusing the 'default' service account of {@namespace}: every pod without its own account runs as it, so any of them could decrypt; create a dedicated service account.");
        }

        return identity;
    }
}
