namespace Router.Actors;

/// <summary>
/// A message someone is waiting on (it carries a reply). When its actor stops before handling it, the
/// runtime calls <see cref="Reject"/> so the waiter fails fast instead of hanging on a dead letter.
/// </summary>
public interface IUndeliverable
{
    void Reject();
}
