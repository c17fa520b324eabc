using Xunit;
using AlloyOrleans.Silo.Commands;

namespace AlloyOrleans.Tests.Configuration;

public sealed class CommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("alloy-cmd-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Fmt_prints_the_formatted_file()
    {
        var path = Write("a.alloy", "a \"b\" {\n  x = 1\n  yy = 2\n}\n");
        var output = new StringWriter();

        var code = FmtCommand.Run([path], output, new StringWriter());

        Assert.Equal(0, code);
        Assert.Equal("a \"b\" {\n\tx  = 1\n\tyy = 2\n}\n", output.ToString());
        Assert.Equal("a \"b\" {\n  x = 1\n  yy = 2\n}\n", File.ReadAllText(path));
    }

    [Fact]
    public void Fmt_write_rewrites_the_file_in_place()
    {
        var path = Write("a.alloy", "a \"b\" {\n  x = 1\n}\n");
        var output = new StringWriter();

        Assert.Equal(0, FmtCommand.Run(["--write", path], output, new StringWriter()));

        Assert.Equal("a \"b\" {\n\tx = 1\n}\n", File.ReadAllText(path));
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void Fmt_reports_a_syntax_error_with_its_position_and_exits_1()
    {
        var path = Write("bad.alloy", "a {\n\tx = [1 2]\n}\n");
        var error = new StringWriter();

        Assert.Equal(1, FmtCommand.Run([path], new StringWriter(), error));

        Assert.Equal($"{path}:2:9: missing ',' in expression list", error.ToString().Trim());
    }

    [Fact]
    public void Fmt_test_flags_files_that_are_not_formatted()
    {
        var formatted = Write("good.alloy", "a \"b\" {\n\tx = 1\n}\n");
        var unformatted = Write("bad.alloy", "a \"b\" {\n  x = 1\n}\n");
        var error = new StringWriter();

        Assert.Equal(0, FmtCommand.Run(["--test", formatted], new StringWriter(), error));
        Assert.Equal(1, FmtCommand.Run(["-t", unformatted], new StringWriter(), error));
        Assert.Equal($"file {unformatted} is not formatted correctly", error.ToString().Trim());
    }

    [Fact]
    public void Fmt_reads_standard_input_without_a_file()
    {
        var output = new StringWriter();

        Assert.Equal(0, FmtCommand.Run([], new StringReader("a = [1,2]\n"), output, new StringWriter()));
        Assert.Equal("a = [1, 2]\n", output.ToString());

        var error = new StringWriter();
        Assert.Equal(1, FmtCommand.Run(["-"], new StringReader("a = \n"), new StringWriter(), error));
        Assert.Equal("<stdin>:2:1: expected expression, got EOF", error.ToString().Trim());
    }

    [Fact]
    public void Validate_accepts_a_valid_file_and_starts_nothing()
    {
        var path = Write("ok.alloy", "prometheus.scrape \"x\" {\n\ttargets    = [{\"__address__\" = \"127.0.0.1:1\"}]\n\tforward_to = []\n}\n");
        var output = new StringWriter();

        Assert.Equal(0, ValidateCommand.Run([path], output, new StringWriter()));
        Assert.Contains("valid", output.ToString());
    }

    [Fact]
    public void Validate_reports_every_problem_sorted_by_position_and_exits_1()
    {
        var path = Write("bad.alloy", "prometheus.scrape \"y\" {\n\ttargets = []\n\tforward_to = [nothing.here.receiver]\n}\n\nprometheus.scrape \"x\" {\n\ttargets = []\n}\n");
        var error = new StringWriter();

        Assert.Equal(1, ValidateCommand.Run([path], new StringWriter(), error));
        Assert.Equal(
            [
                $"{path}:3:16: component \"nothing.here.receiver\" does not exist or is out of scope",
                $"{path}:6:1: missing required attribute \"forward_to\"",
                $"{path}: 2 errors",
            ],
            error.ToString().Trim().Split('\n'));
    }

    [Fact]
    public void Validate_needs_no_cluster_and_no_environment_variables()
    {
        var path = Write("in-cluster.alloy", """
            discovery.kubernetes "pods" {
            	role = "pod"
            }

            prometheus.scrape "pods" {
            	targets    = discovery.kubernetes.pods.targets
            	forward_to = [prometheus.remote_write.default.receiver]
            }

            prometheus.remote_write "default" {
            	endpoint {
            		url = sys.env("ALLOY_ORLEANS_SURELY_UNSET_VARIABLE")
            	}
            }
            """);
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(0, ValidateCommand.Run([path], output, error));
        Assert.Equal("", error.ToString());
        Assert.Equal($"{path}: valid", output.ToString().Trim());
    }

    [Fact]
    public void Commands_without_a_file_print_usage_and_exit_1()
    {
        var error = new StringWriter();
        Assert.Equal(1, FmtCommand.Run(["a.alloy", "b.alloy"], new StringWriter(), error));
        Assert.Equal(1, ValidateCommand.Run([], new StringWriter(), error));
        Assert.Contains("usage", error.ToString());
    }
}
