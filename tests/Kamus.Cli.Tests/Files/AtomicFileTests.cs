using System.Runtime.Versioning;
using System.Text;
using Kamus.Cli.Files;
using Kamus.Testing;

namespace Kamus.Cli.Tests.Files;

public sealed class AtomicFileTests
{
    [Fact]
    public void Writes_a_new_file_and_leaves_no_temporary_file()
    {
        using var dir = new TempDirectory();

        AtomicFile.Write(dir.File("out.txt"), "hello"u8, overwrite: false);

        Assert.Equal("hello", File.ReadAllText(dir.File("out.txt")));
        Assert.Equal(["out.txt"], dir.Names());
    }

    [Fact]
    public void Replacing_through_a_symbolic_link_keeps_the_link()
    {
        using var dir = new TempDirectory();
        var target = dir.Write("real.json", "{}");
        var link = dir.File("appsettings.json");
        File.CreateSymbolicLink(link, target);

        AtomicFile.Write(link, "{ }"u8, overwrite: true);

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("{ }", File.ReadAllText(target));
        Assert.Equal(["appsettings.json", "real.json"], dir.Names());
    }

    [Fact]
    public void Refuses_to_replace_a_file_without_overwrite()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("out.txt", "old");

        var error = Assert.Throws<CliException>(() => AtomicFile.Write(path, "new"u8, overwrite: false));

        Assert.Equal(ExitCodes.Input, error.ExitCode);
        Assert.Contains("--overwrite", error.Message, StringComparison.Ordinal);
        Assert.Equal("old", File.ReadAllText(path));
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public void Replacing_keeps_the_unix_permissions()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", "{}");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        AtomicFile.Write(path, Encoding.UTF8.GetBytes("{ }"), overwrite: true);

        Assert.Equal("{ }", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_write_that_cannot_start_is_one_input_error_and_leaves_nothing_behind()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", "{\"A\":\"1\"}");
        var missingDirectory = Path.Combine(dir.Path, "gone", "appsettings.json");

        var error = Assert.Throws<CliException>(() => AtomicFile.Write(missingDirectory, "x"u8, overwrite: true));

        Assert.Equal(ExitCodes.Input, error.ExitCode);
        Assert.Equal("{\"A\":\"1\"}", File.ReadAllText(path));
        Assert.Equal(["appsettings.json"], dir.Names());
    }

    [UnixFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_temporary_file_has_the_targets_mode_before_a_byte_is_written()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", "{}");
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(path, OwnerOnly);
        UnixFileMode? whileWriting = null;

        AtomicFile.Write(path, stream =>
        {
            whileWriting = File.GetUnixFileMode(stream.SafeFileHandle);
            stream.Write("{ }"u8);
        }, overwrite: true);

        Assert.Equal(OwnerOnly, whileWriting);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [UnixFact(needsRoot: true)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_temporary_file_has_the_targets_owner_and_group_before_a_byte_is_written_and_the_file_keeps_them()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("appsettings.json", "{}");
        using (var chown = System.Diagnostics.Process.Start("chown", ["4242:4243", path]))
        {
            chown.WaitForExit();
            Assert.Equal(0, chown.ExitCode);
        }

        (uint, uint)? whileWriting = null;
        AtomicFile.Write(path, stream =>
        {
            whileWriting = UnixFileOwner.Of(stream.Name);
            stream.Write("{ }"u8);
        }, overwrite: true);

        Assert.Equal((4242u, 4243u), whileWriting);
        Assert.Equal((4242u, 4243u), UnixFileOwner.Of(path));
        Assert.Equal("{ }", File.ReadAllText(path));
    }
}
