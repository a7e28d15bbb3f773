namespace Router.Versioning;

/// <summary>
/// The declared or registered conversions are unusable; thrown at start-up so the host fails fast.
/// Each entry of <see cref="Errors"/> names the base type, the versions and, where it applies, the step.
/// </summary>
public sealed class VersioningConfigurationException : Exception
{
    public VersioningConfigurationException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors)) => Errors = errors;

    public IReadOnlyList<string> Errors { get; }
}
