using Microsoft.Extensions.Configuration;

namespace Router.Configuration.Hocon.Tests;

public sealed class ProviderTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void AddHoconFile_ExistingFile_LoadsAndResolvesIncludes()
    {
        _directory.Write("reference.conf", "router.journal.provider = sqlite\nrouter.journal.path = \"./data/router.db\"");
        var path = _directory.Write("router.conf", "include required(\"reference.conf\")\nrouter.journal.provider = postgres");

        var configuration = new ConfigurationBuilder().AddHoconFile(path).Build();

        Assert.Equal("postgres", configuration["router:journal:provider"]);
        Assert.Equal("./data/router.db", configuration["router:journal:path"]);
    }

    [Fact]
    public void AddHoconFile_InjectedEnvironmentLookup_IsUsedForSubstitutions()
    {
        var path = _directory.Write("router.conf", "urls = \"http://127.0.0.1:5080\"\nurls = ${?ROUTER_URLS}");

        var configuration = new ConfigurationBuilder()
            .AddHoconFile(source =>
            {
                source.Path = path;
                source.ResolveFileProvider();
                source.EnvironmentLookup = name => name == "ROUTER_URLS" ? "http://0.0.0.0:8080" : null;
            })
            .Build();

        Assert.Equal("http://0.0.0.0:8080", configuration["urls"]);
    }

    [Fact]
    public void AddHoconFile_MissingOptionalFile_IsEmpty()
    {
        var configuration = new ConfigurationBuilder().AddHoconFile(Path.Combine(_directory.Path, "none.conf"), optional: true).Build();

        Assert.Empty(configuration.AsEnumerable());
    }

    [Fact]
    public void AddHoconFile_MissingRequiredFile_Throws()
    {
        var builder = new ConfigurationBuilder().AddHoconFile(Path.Combine(_directory.Path, "none.conf"));

        Assert.Throws<FileNotFoundException>(() => builder.Build());
    }

    [Fact]
    public void AddHoconFile_InvalidFile_WrapsHoconExceptionNamingFileLineAndColumn()
    {
        var path = _directory.Write("router.conf", "a = 1\n      journal\n");

        var error = Assert.Throws<InvalidDataException>(() => new ConfigurationBuilder().AddHoconFile(path).Build());

        var hocon = Assert.IsType<HoconException>(error.InnerException);
        Assert.Equal("router.conf(2,7): expected '=' or ':' after key 'journal'", hocon.Message);
    }

    [Fact]
    public void AddHoconString_LaterSource_OverridesEarlierOne()
    {
        var configuration = new ConfigurationBuilder()
            .AddHoconString("a = 1\nb = 1", Hocon.Lookup(null))
            .AddHoconString("b = 2", Hocon.Lookup(null))
            .Build();

        Assert.Equal(("1", "2"), (configuration["a"], configuration["b"]));
    }

    [Fact]
    public void AddHoconString_InvalidText_ThrowsOnBuildWithStringOrigin()
    {
        var builder = new ConfigurationBuilder().AddHoconString("a = \"open", Hocon.Lookup(null));

        var error = Assert.Throws<HoconException>(() => builder.Build());

        Assert.StartsWith("<string>(1,5): unterminated quoted string", error.Message);
    }

    [Fact]
    public void Reload_ChangedFile_LoadsNewValues()
    {
        var path = _directory.Write("router.conf", "a = 1");
        var configuration = new ConfigurationBuilder().AddHoconFile(path).Build();
        File.WriteAllText(path, "a = 2");

        configuration.Reload();

        Assert.Equal("2", configuration["a"]);
    }
}
