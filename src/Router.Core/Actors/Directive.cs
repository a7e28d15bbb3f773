namespace Router.Actors;

/// <summary>What a supervisor does with an actor whose handler threw (after Akka's <c>Directive</c>).</summary>
public enum Directive
{
    /// <summary>Drop the failing message and keep the actor and its state.</summary>
    Resume,

    /// <summary>Drop the failing message, stop the instance and start a fresh one on the same mailbox after a backoff.</summary>
    Restart,

    /// <summary>Stop the actor; messages still in its mailbox are dead letters.</summary>
    Stop,
}
