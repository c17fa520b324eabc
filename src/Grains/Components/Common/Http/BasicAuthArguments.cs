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
}
