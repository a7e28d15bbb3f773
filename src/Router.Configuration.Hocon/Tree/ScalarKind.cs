namespace Router.Configuration.Hocon.Tree;

internal enum ScalarKind
{
    String,
    Number,
    Boolean,
    Null,
}
