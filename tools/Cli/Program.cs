using GovChain.Cli;

return await CliApp.RunAsync(args).ConfigureAwait(false);
