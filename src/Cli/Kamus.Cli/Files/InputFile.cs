namespace Kamus.Cli.Files;

/// <summary>Reads input files, turning I/O failures into one-line input errors.</summary>
internal static class InputFile
{
    /// <exception cref="CliException">The file is missing or unreadable.</exception>
    public static byte[] ReadAllBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw CliException.Input($"{path} does not exist.", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw CliException.Input($"{path} does not exist.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw CliException.Input($"{path} cannot be read: permission denied.", e);
        }
        catch (IOException e)
        {
            throw CliException.Input($"{path} cannot be read: {e.Message}", e);
        }
    }
}
