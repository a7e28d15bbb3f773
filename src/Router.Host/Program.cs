using Router.Host;

var app = RouterApp.Build(args);
await app.RunAsync();
return 0;
