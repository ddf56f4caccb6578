"""REST API for beds, stays, requests, the waiting list, goals and aftercare: one module per resource.
Thin: parse, call services/selectors, serialise."""
