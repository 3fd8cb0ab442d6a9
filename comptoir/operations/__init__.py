"""Below the use cases: what runs inside one use case's transaction.

The unit of work (one transaction, its actor, moment and screen, its audit entries),
the clock and the shop's settings, and the in-transaction operations (ledgers, sale
closing, a workshop order's changes) that take the UnitOfWork. Nothing here imports a
use case (services/); docs/architecture.md.
"""
