using System.Collections.Concurrent;
using System.Security;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Kamus.Testing.Kms;

/// <summary>
/// The STS part of <see cref="AwsKmsStandIn"/>: <c>AssumeRoleWithWebIdentity</c> in AWS's Query protocol (form body,
/// XML answers, <c>ErrorResponse</c> errors), which the AWS SDK's default credential chain calls for IRSA
/// (<c>AWS_ROLE_ARN</c> + <c>AWS_WEB_IDENTITY_TOKEN_FILE</c>). The call is unsigned, as AWS's is; the token must be the
/// one registered for the role. Not modelled: the token's OIDC validation, session policies, other STS actions.
/// </summary>
internal sealed class AwsStsStandIn
{
    private readonly ConcurrentDictionary<string, string> _roles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Secret, string? SessionToken)> _sessions = new(StringComparer.Ordinal);

    public int Issued => _sessions.Count;

    public void Allow(string roleArn, string webIdentityToken) => _roles[roleArn] = webIdentityToken;

    public (string Secret, string? SessionToken)? Session(string accessKeyId) => _sessions.TryGetValue(accessKeyId, out var session) ? session : null;

    public async Task HandleAsync(HttpContext context, byte[] body)
    {
        var form = new FormReader(System.Text.Encoding.UTF8.GetString(body)).ReadForm();
        if (form.GetValueOrDefault("Action") != "AssumeRoleWithWebIdentity" || form.GetValueOrDefault("Version") != "2011-06-15")
        {
            await ErrorAsync(context, 400, "InvalidAction", "Could not find operation.");
            return;
        }

        var roleArn = form.GetValueOrDefault("RoleArn").ToString();
        if (!_roles.TryGetValue(roleArn, out var expected) || form.GetValueOrDefault("WebIdentityToken") != expected)
        {
            await ErrorAsync(context, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
            return;
        }

        var accessKeyId = "ASIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        var sessionToken = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        _sessions[accessKeyId] = (secret, sessionToken);
        var session = SecurityElement.Escape(form.GetValueOrDefault("RoleSessionName").ToString());
        var expiration = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "text/xml";
        await context.Response.WriteAsync(
            $"""
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <Credentials><AccessKeyId>{accessKeyId}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{sessionToken}</SessionToken><Expiration>{expiration}</Expiration></Credentials>
                <AssumedRoleUser><Arn>{SecurityElement.Escape(roleArn.Replace(":iam::", ":sts::", StringComparison.Ordinal).Replace(":role/", ":assumed-role/", StringComparison.Ordinal))}/{session}</Arn><AssumedRoleId>AROASTANDIN:{session}</AssumedRoleId></AssumedRoleUser>
                <Audience>sts.amazonaws.com</Audience>
              </AssumeRoleWithWebIdentityResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </AssumeRoleWithWebIdentityResponse>
            """,
            context.RequestAborted);
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        return context.Response.WriteAsync(
            $"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>",
            context.RequestAborted);
    }
}
