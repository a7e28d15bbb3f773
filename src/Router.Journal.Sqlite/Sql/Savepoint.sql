-- One savepoint per append request inside a group commit: a request that fails is undone alone.
SAVEPOINT append_request
