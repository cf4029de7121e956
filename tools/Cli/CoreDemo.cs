namespace GovChain.Cli;

internal static class CoreDemo
{
    public static int Run()
    {
        Console.WriteLine("GovChain demo: placeholder");
        return 0;
    }
}
