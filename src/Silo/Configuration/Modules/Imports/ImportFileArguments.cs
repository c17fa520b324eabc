using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Silo.Configuration.Modules.Imports;

/// <summary>The arguments of <c>import.file</c>, as Alloy's reference names them.</summary>
public sealed class ImportFileArguments : IValidatableArguments
{
    /// <summary>A module file, or a directory whose <c>*.alloy</c> files together form the module. Relative to the working directory, as Alloy.</summary>
    [Alloy("filename", Required = true)]
    public string Filename { get; set; } = "";

    /// <summary><c>fsnotify</c> (re-read as soon as the file system reports a change, and at every poll) or <c>poll</c>.</summary>
    [Alloy("detector")]
    public string Detector { get; set; } = "fsnotify";

    [Alloy("poll_frequency")]
    public TimeSpan PollFrequency { get; set; } = TimeSpan.FromMinutes(1);

    public void Validate()
    {
        if (Detector is not ("fsnotify" or "poll"))
        {
            throw new ComponentArgumentException("detector", $"unknown detector \"{Detector}\", expected fsnotify or poll");
        }
        if (PollFrequency <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("poll_frequency", "poll_frequency must be greater than 0");
        }
    }
}
