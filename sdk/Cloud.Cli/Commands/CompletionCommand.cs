using System.ComponentModel;
using System.Globalization;
using System.Text;
using Cloud.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace Cloud.Cli.Commands;

/// <summary>
/// Prints a shell completion script for bash, zsh or PowerShell, made from the same command tree the app is built
/// from (<see cref="CloudCli.Tree"/>), so the two cannot drift apart: <c>source &lt;(cloud completion bash)</c>.
/// </summary>
internal sealed class CompletionCommand(CliEnvironment environment) : AsyncCommand<CompletionCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SHELL>")]
        [Description("bash, zsh or pwsh.")]
        public string Shell { get; init; } = "";
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var script = settings.Shell switch
        {
            "bash" => Bash(),
            "zsh" => "autoload -U +X bashcompinit && bashcompinit\n" + Bash(),
            "pwsh" or "powershell" => PowerShell(),
            _ => null,
        };
        if (script is null)
        {
            return Task.FromResult(ErrorReport.Write(new UsageException($"No completion for shell '{settings.Shell}'; choose bash, zsh or pwsh."), environment));
        }

        environment.Out.Write(script);
        environment.Out.Flush();
        return Task.FromResult(ExitCodes.Ok);
    }

    private static string Bash()
    {
        var script = new StringBuilder();
        script.AppendLine("# cloud: bash completion (source <(cloud completion bash))");
        script.AppendLine("_cloud() {");
        script.AppendLine("  local cur=\"${COMP_WORDS[COMP_CWORD]}\"");
        script.AppendLine("  if [ \"$COMP_CWORD\" -eq 1 ]; then");
        script.AppendLine(CultureInfo.InvariantCulture, $"    COMPREPLY=($(compgen -W \"{string.Join(' ', CloudCli.Tree.Keys)}\" -- \"$cur\")); return");
        script.AppendLine("  fi");
        script.AppendLine("  if [[ \"$cur\" == -* ]]; then");
        script.AppendLine(CultureInfo.InvariantCulture, $"    COMPREPLY=($(compgen -W \"{string.Join(' ', CloudCli.CommonOptions)}\" -- \"$cur\")); return");
        script.AppendLine("  fi");
        script.AppendLine("  if [ \"$COMP_CWORD\" -eq 2 ]; then");
        script.AppendLine("    case \"${COMP_WORDS[1]}\" in");
        foreach (var (branch, commands) in CloudCli.Tree.Where(b => b.Value.Length > 0))
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"      {branch}) COMPREPLY=($(compgen -W \"{string.Join(' ', commands)}\" -- \"$cur\")); return;;");
        }

        script.AppendLine("    esac");
        script.AppendLine("  fi");
        script.AppendLine("  COMPREPLY=($(compgen -f -- \"$cur\"))");
        script.AppendLine("}");
        script.AppendLine("complete -o filenames -F _cloud cloud");
        return script.ToString();
    }

    private static string PowerShell()
    {
        var script = new StringBuilder();
        script.AppendLine("# cloud: PowerShell completion (cloud completion pwsh | Out-String | Invoke-Expression)");
        script.AppendLine("Register-ArgumentCompleter -Native -CommandName cloud -ScriptBlock {");
        script.AppendLine("  param($wordToComplete, $commandAst, $cursorPosition)");
        script.AppendLine("  $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })");
        script.AppendLine("  if ($wordToComplete) { $words = @($words | Select-Object -SkipLast 1) }");
        script.AppendLine("  $tree = @{");
        foreach (var (branch, commands) in CloudCli.Tree)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"    '{branch}' = @({string.Join(", ", commands.Select(c => $"'{c}'"))})");
        }

        script.AppendLine("  }");
        script.AppendLine(CultureInfo.InvariantCulture, $"  $candidates = if ($wordToComplete -like '-*') {{ @({string.Join(", ", CloudCli.CommonOptions.Select(o => $"'{o}'"))}) }} elseif ($words.Count -eq 0) {{ $tree.Keys }} elseif ($words.Count -eq 1) {{ $tree[$words[0]] }} else {{ @() }}");
        script.AppendLine("  $candidates | Where-Object { $_ -like \"$wordToComplete*\" } | ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }");
        script.AppendLine("}");
        return script.ToString();
    }
}
