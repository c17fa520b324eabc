namespace AlloyOrleans.Grains.Http;

/// <summary>Removes credentials before a URL reaches a log line, a metric label or a web API.</summary>
public static class Redaction
{
    public const string Mask = "xxxxx";

    /// <summary>The URL with its user-info (user and password alike: a token is often the user) replaced by <see cref="Mask"/>.</summary>
    public static string Url(Uri url) =>
        url.IsAbsoluteUri && url.UserInfo.Length > 0
            ? new UriBuilder(url) { UserName = Mask, Password = "" }.Uri.ToString()
            : url.ToString();

    /// <summary>The same for a URL that may not parse: anything between <c>://</c> and the last <c>@</c> before the path is masked.</summary>
    public static string Url(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var parsed))
        {
            return Url(parsed);
        }
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : scheme + 3;
        var pathStart = url.IndexOfAny(['/', '?', '#'], start);
        var authority = pathStart < 0 ? url[start..] : url[start..pathStart];
        var at = authority.LastIndexOf('@');
        return at < 0 ? url : url[..start] + Mask + url[(start + at)..];
    }
}
