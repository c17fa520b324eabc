using System.Net.Http.Headers;
using System.Text;

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

    /// <summary>The Basic Authorization header; reads <c>password_file</c> (trimmed) when it is set.</summary>
    public AuthenticationHeaderValue ToHeader()
    {
        var password = PasswordFile.Length > 0 ? File.ReadAllText(PasswordFile).Trim() : Password;
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{password}")));
    }
}
