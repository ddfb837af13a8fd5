using Cloud.LoadHarness;

// Whole-process harnesses (memory, load). Each prints a Markdown table for docs/performance.md.
return args switch
{
    ["registration-memory"] => await RegistrationMemory.RunAsync(100),
    ["registration-memory", var mb] => await RegistrationMemory.RunAsync(int.Parse(mb, System.Globalization.CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Cloud.LoadHarness registration-memory [size-mb]");
    return 2;
}
