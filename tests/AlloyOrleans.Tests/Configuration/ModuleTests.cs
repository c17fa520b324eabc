using System.Text;
using Xunit;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Tests.Discovery;
using Microsoft.Extensions.DependencyInjection;

namespace AlloyOrleans.Tests.Configuration;

/// <summary>
/// Alloy's modules, run for real: custom components declared in one file and used in another, arguments flowing
/// in, exports flowing out, a changed module file re-evaluated, nested imports, import.http from a loopback server,
/// and errors that name the module file and line.
/// </summary>
public sealed class ModuleTests : IDisposable
{
    private const string Library = """
        declare "shout" {
        	argument "text" { }

        	argument "suffix" {
        		optional = true
        		default  = "!"
        	}

        	testing.echo "inner" {
        		input = string.to_upper(argument.text.value) + argument.suffix.value
        	}

        	export "loud" {
        		value = testing.echo.inner.output
        	}
        }
        """;

    private readonly ComponentProbe _probe = new();
    private readonly ServiceProvider _services;
    private readonly string _directory = Directory.CreateTempSubdirectory("alloy-modules-").FullName;

    public ModuleTests()
    {
        _services = new ServiceCollection()
            .AddSingleton(_probe)
            .AddSingleton<IScrapeJobRegistry>(new RecordingScrapeRegistry())
            .BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string WriteModule(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private async Task WithGraphAsync(string source, Func<ComponentGraph, Task> test)
    {
        var graph = new ComponentGraph(TestConfigurations.Load(source));
        await graph.StartAsync(_services, Path.Combine(_directory, "data"), CancellationToken.None);
        try
        {
            await test(graph);
        }
        finally
        {
            await graph.StopAsync(CancellationToken.None);
        }
    }

    private static string Output(ComponentGraph graph, string id) => graph.GetExports(id).AsObject()["output"].AsString();

    [Fact]
    public async Task A_component_declared_in_an_imported_file_takes_arguments_exports_and_follows_file_changes()
    {
        var library = WriteModule("lib.alloy", Library);
        var main = $$"""
            import.file "lib" {
            	filename       = "{{library}}"
            	detector       = "poll"
            	poll_frequency = "50ms"
            }

            testing.source "word" {
            	value = "hello"
            }

            lib.shout "a" {
            	text = testing.source.word.value
            }

            testing.echo "out" {
            	input = lib.shout.a.loud
            }
            """;

        await WithGraphAsync(main, async graph =>
        {
            Assert.Equal("HELLO!", Output(graph, "testing.echo.out"));
            // Inside the module the component is named after the custom component that runs it, as in Alloy.
            Assert.Contains("lib.shout.a/testing.echo.inner", _probe.Hosts.Keys);

            // An argument flows in: the source changes, the module's component re-evaluates, the export flows out.
            _probe.Hosts["testing.source.word"].SetExports(new SourceExports { Value = "bye" });
            await TestConfigurations.WaitUntilAsync(() => Output(graph, "testing.echo.out") == "BYE!", "the new argument to reach the export");

            // The module file changes: the custom component is rebuilt from the new declaration.
            File.WriteAllText(library, Library.Replace("default  = \"!\"", "default  = \"?\""));
            await TestConfigurations.WaitUntilAsync(() => Output(graph, "testing.echo.out") == "BYE?", "the changed module file to take effect");
        });
    }

    [Fact]
    public async Task Local_declarations_nest_and_see_the_enclosing_scope()
    {
        const string main = """
            declare "greeting" {
            	argument "name" { }

            	export "text" {
            		value = "hello " + argument.name.value
            	}
            }

            declare "twice" {
            	argument "name" { }

            	greeting "first" {
            		name = argument.name.value
            	}

            	declare "exclaim" {
            		argument "text" { }

            		export "text" {
            			value = argument.text.value + "!"
            		}
            	}

            	exclaim "loud" {
            		text = greeting.first.text
            	}

            	export "text" {
            		value = exclaim.loud.text + " " + greeting.first.text
            	}
            }

            twice "t" {
            	name = "world"
            }

            testing.echo "out" {
            	input = twice.t.text
            }
            """;

        await WithGraphAsync(main, graph =>
        {
            Assert.Equal("hello world! hello world", Output(graph, "testing.echo.out"));
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task An_imported_module_can_import_another_relative_to_itself_and_import_string_works_too()
    {
        var inner = WriteModule("inner.alloy", Library);
        // The inner module is named relative to the outer one, through module_path, as in Alloy.
        var outer = WriteModule("outer.alloy", $$"""
            import.file "inner" {
            	filename = file.path_join(module_path, "{{Path.GetFileName(inner)}}")
            }

            declare "double_shout" {
            	argument "text" { }

            	inner.shout "once" {
            		text   = argument.text.value
            		suffix = "."
            	}

            	export "loud" {
            		value = inner.shout.once.loud + inner.shout.once.loud
            	}
            }
            """);
        var main = $$"""
            import.file "outer" {
            	filename = "{{outer}}"
            }

            import.string "inline" {
            	content = "declare \"id\" {\n\targument \"v\" { }\n\n\texport \"v\" {\n\t\tvalue = argument.v.value\n\t}\n}\n"
            }

            outer.double_shout "d" {
            	text = "ab"
            }

            inline.id "i" {
            	v = outer.double_shout.d.loud
            }

            testing.echo "out" {
            	input = inline.id.i.v
            }
            """;

        await WithGraphAsync(main, graph =>
        {
            Assert.Equal("AB.AB.", Output(graph, "testing.echo.out"));
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Import_http_fetches_the_module_from_a_server_and_polls_it()
    {
        var version = "!";
        await using var server = new LoopbackHttpServer(async context =>
        {
            var body = Encoding.UTF8.GetBytes(Library.Replace("default  = \"!\"", $"default  = \"{Volatile.Read(ref version)}\""));
            context.Response.ContentType = "text/plain";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        });
        var main = $$"""
            import.http "remote" {
            	url            = "{{server.Url}}module.alloy"
            	poll_frequency = "1s"
            	poll_timeout   = "1s"
            }

            remote.shout "a" {
            	text = "over http"
            }

            testing.echo "out" {
            	input = remote.shout.a.loud
            }
            """;

        await WithGraphAsync(main, async graph =>
        {
            Assert.Equal("OVER HTTP!", Output(graph, "testing.echo.out"));
            Volatile.Write(ref version, "#");
            await TestConfigurations.WaitUntilAsync(() => Output(graph, "testing.echo.out") == "OVER HTTP#", "the polled module to change");
        });
    }

    [Fact]
    public async Task An_error_inside_an_imported_module_names_the_module_file_and_line()
    {
        var broken = WriteModule("broken.alloy", """
            declare "bad" {
            	argument "x" { }

            	testing.nothing "y" { }
            }
            """);
        var main = $$"""
            import.file "broken" {
            	filename = "{{broken}}"
            }

            broken.bad "b" {
            	x = 1
            }
            """;
        var graph = new ComponentGraph(TestConfigurations.Load(main));

        var error = await Assert.ThrowsAnyAsync<SyntaxException>(() => graph.StartAsync(_services, Path.Combine(_directory, "data"), CancellationToken.None));
        await graph.StopAsync(CancellationToken.None);

        Assert.Equal($"{broken}:4:2: unknown component \"testing.nothing\"", error.Message);
    }

    [Fact]
    public async Task Using_an_imported_component_without_a_required_argument_names_the_use()
    {
        var library = WriteModule("lib.alloy", Library);
        var main = $$"""
            import.file "lib" {
            	filename = "{{library}}"
            }

            lib.shout "a" {
            	suffix = "?"
            }
            """;
        var graph = new ComponentGraph(TestConfigurations.Load(main));

        var error = await Assert.ThrowsAnyAsync<SyntaxException>(() => graph.StartAsync(_services, Path.Combine(_directory, "data"), CancellationToken.None));
        await graph.StopAsync(CancellationToken.None);

        Assert.Equal("test.alloy:5:1: missing required attribute \"text\"", error.Message);
    }
}
