namespace Router.Actors;

/// <summary>
/// What a mailbox holds: a user message, or a system signal the cell handles itself. A struct, so a
/// mailbox of struct messages allocates nothing per message.
/// </summary>
internal readonly struct MailboxItem<TMessage>
{
    private MailboxItem(TMessage? message, bool isIdleTick)
    {
        Message = message;
        IsIdleTick = isIdleTick;
    }

    public TMessage? Message { get; }

    /// <summary>The idle timer fired; the cell checks whether the actor really was idle long enough.</summary>
    public bool IsIdleTick { get; }

    public static MailboxItem<TMessage> Of(TMessage message) => new(message, false);

    public static MailboxItem<TMessage> IdleTick => new(default, true);
}
