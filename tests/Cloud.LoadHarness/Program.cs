using Cloud.LoadHarness;

// Whole-process harnesses (memory, load). Each prints a Markdown table for docs/performance.md.
return args switch
{
    ["registration-memory"] => await RegistrationMemory.RunAsync(100),
    ["registration-memory", var mb] => await RegistrationMemory.RunAsync(int.Parse(mb, System.Globalization.CultureInfo.InvariantCulture)),
    ["serve-load"] => await ServeLoad.RunAsync(TimeSpan.FromSeconds(5), [], []),
    ["serve-load", var seconds, .. var rest] => await ServeLoad.RunAsync(
        TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)),
        rest.TakeWhile(a => a != "--only").ToArray(),
        rest.SkipWhile(a => a != "--only").Skip(1).Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
    ["bare-endpoint", "--urls", var url] => await BareEndpoint.RunAsync(url),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Cloud.LoadHarness registration-memory [size-mb] | serve-load [seconds-per-run [--Cloud:Key value ...] [--only C1 C2 ...]]");
    return 2;
}
