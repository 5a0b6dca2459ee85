"""Read models: what the API (and the workers' jobs) read outside a unit of work, each read in
its own read session. The calendar's, the booking page's and the loaders' batched reads are in
`persistence/queries.py`; the others are here, one module per part of the product."""
