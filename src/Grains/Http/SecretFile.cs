namespace AlloyOrleans.Grains.Http;

/// <summary>Secret files (tokens, passwords) as Prometheus reads them: the whole file, surrounding blanks trimmed.</summary>
public static class SecretFile
{
    /// <summary>Reads the secret; a missing or unreadable file is an <see cref="HttpRequestException"/>, which fails the request only.</summary>
    public static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HttpRequestException($"cannot read secret file {path}: {e.Message}", e);
        }
    }
}
