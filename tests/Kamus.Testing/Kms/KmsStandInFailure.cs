using Microsoft.AspNetCore.Http;

namespace Kamus.Testing.Kms;

/// <summary>How a cloud KMS stand-in misbehaves, to test outages.</summary>
public enum KmsStandInFailure
{
    /// <summary>Answers normally.</summary>
    None,

    /// <summary>Answers every KMS call with the service's internal error (HTTP 500), which the SDKs retry.</summary>
    InternalError,

    /// <summary>Drops every connection without answering.</summary>
    Abort,

    /// <summary>Never answers (until the caller gives up), to test timeouts.</summary>
    Hang,
}

/// <summary>Acts out a <see cref="KmsStandInFailure"/> the same way in every KMS stand-in.</summary>
internal static class KmsStandInFailureExtensions
{
    /// <summary>
    /// Fails the call as <paramref name="failure"/> says (<paramref name="internalError"/> writes the service's own HTTP
    /// 500 body); <see langword="false"/>, with nothing written, when there is no failure.
    /// </summary>
    public static async Task<bool> TryFailAsync(this KmsStandInFailure failure, HttpContext context, Func<HttpContext, Task> internalError)
    {
        switch (failure)
        {
            case KmsStandInFailure.Abort:
                context.Abort();
                return true;
            case KmsStandInFailure.Hang:
                await LoopbackStandInHost.HangAsync(context);
                return true;
            case KmsStandInFailure.InternalError:
                await internalError(context);
                return true;
            default:
                return false;
        }
    }
}
