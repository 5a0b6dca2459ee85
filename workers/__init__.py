"""Jobs: Dramatiq actors, the outbox relay and the periodic scheduler.

- `jobs`: what a job is (`Job`); its code receives the dependencies (`domain.dependencies`).
- `registry`: the job kinds, name → actor code; adding a job kind is one line there.
- `broker`: a Redis or in-process broker with every job declared as an actor on it, and the
  `ActorHost` that runs the async actor code on a private event loop thread.
- `outbox`: the relay from the `outbox` table to the broker (right after commit, and a loop).
- `scheduler`: the periodic loop (periodic jobs once per tick, the outbox relay).
- `embedded`: the same actors and scheduler inside `couchtime serve` (no Redis).

Only `couchtime/` imports this package; it imports domain, persistence and adapters.
"""
