namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>A <c>basic_auth</c> block.</summary>
public sealed class BasicAuthBlock
{
    [Alloy("username")]
    public string Username { get; set; } = "";

    [Alloy("password")]
    public string Password { get; set; } = "";

    [Alloy("password_file")]
    public string PasswordFile { get; set; } = "";

    internal void Validate()
    {
        if (Password.Length > 0 && PasswordFile.Length > 0)
        {
            throw new ComponentArgumentException("password", "at most one of password and password_file may be set");
        }
    }
}
