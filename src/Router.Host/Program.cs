using Router.Host;
using Router.Host.Security;

WebApplication app;
try
{
    app = RouterApp.Build(args);
}
catch (StartupRefusedException refused)
{
    // A configuration the router will not run with (e.g. open on a public address): say why, exit non-zero.
    await Console.Error.WriteLineAsync($"router: {refused.Message}");
    return 2;
}
await app.RunAsync();
return 0;
