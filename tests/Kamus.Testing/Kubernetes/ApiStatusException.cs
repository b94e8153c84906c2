using System.Text.Json.Nodes;

namespace Kamus.Testing.Kubernetes;

/// <summary>
/// A request the stand-in refuses, carried as the API server's <c>Status</c> object (code, reason, message). Thrown by
/// the <see cref="ObjectStore"/> methods tests call directly, and written as the HTTP answer on the wire.
/// </summary>
public sealed class ApiStatusException : Exception
{
    /// <summary>Creates the refusal.</summary>
    public ApiStatusException(int code, string reason, string message)
        : base(message)
    {
        Code = code;
        Reason = reason;
    }

    /// <summary>Creates an empty refusal (500).</summary>
    public ApiStatusException()
        : this(500, "InternalError", "internal error")
    {
    }

    /// <summary>Creates a refusal (500) with a message.</summary>
    public ApiStatusException(string message)
        : this(500, "InternalError", message)
    {
    }

    /// <summary>Creates a refusal (500) with a message and a cause.</summary>
    public ApiStatusException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = 500;
        Reason = "InternalError";
    }

    /// <summary>The HTTP status code.</summary>
    public int Code { get; }

    /// <summary>The Status reason (<c>NotFound</c>, <c>AlreadyExists</c>, <c>Conflict</c>, <c>Invalid</c>, <c>Expired</c>, ...).</summary>
    public string Reason { get; }

    internal static ApiStatusException NotFound(ApiResource resource, string name) =>
        new(404, "NotFound", $"{resource.QualifiedName} \"{name}\" not found");

    internal static ApiStatusException AlreadyExists(ApiResource resource, string name) =>
        new(409, "AlreadyExists", $"{resource.QualifiedName} \"{name}\" already exists");

    internal static ApiStatusException Conflict(ApiResource resource, string name) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {resource.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");

    internal static ApiStatusException Invalid(ApiResource resource, string name, string detail) =>
        new(422, "Invalid", $"{resource.Kind} \"{name}\" is invalid: {detail}");

    internal static ApiStatusException BadRequest(string message) => new(400, "BadRequest", message);

    internal static ApiStatusException Expired(string message) => new(410, "Expired", message);

    /// <summary>The <c>Status</c> object the API server answers with.</summary>
    public JsonObject ToStatus() => Status(Code, Reason, Message);

    internal static JsonObject Status(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };
}
