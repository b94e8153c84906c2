using Microsoft.Extensions.Options;

namespace Kamus.Controller.Configuration;

/// <summary>Validates <see cref="ControllerOptions"/> at startup (source-generated: no reflection).</summary>
[OptionsValidator]
internal sealed partial class ControllerOptionsValidator : IValidateOptions<ControllerOptions>;
