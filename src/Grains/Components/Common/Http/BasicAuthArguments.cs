using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Components.Common.Http;

/// <summary>A <c>basic_auth</c> block.</summary>
public sealed class BasicAuthArguments
{
    [Alloy("username")]
    public string Username { get; set; } = "";

    [Alloy("password")]
    public string Password { get; set; } = "";

    [Alloy("password_file")]
    public string PasswordFile { get; set; } = "";

    /// <summary>Throws when both password and password_file are set, as Prometheus does.</summary>
    public void Validate()
    {
        if (Password.Length > 0 && PasswordFile.Length > 0)
        {
            throw new ComponentArgumentException("basic_auth", "at most one of password and password_file may be set");
        }
    }

    public BasicAuthentication ToAuthentication() =>
        new(Username, Password.Length > 0 ? Password : null, PasswordFile.Length > 0 ? PasswordFile : null);
}
