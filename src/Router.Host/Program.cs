using Router.Host.Cli;

return await RouterCli.InvokeAsync(args, CliConsole.System);
