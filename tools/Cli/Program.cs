using GovChain.Cli.Infrastructure;

return await CliApp.RunAsync(args).ConfigureAwait(false);
