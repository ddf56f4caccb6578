"""Deliberately empty: no model of this app is registered in the Django admin.

Citizens, contracts, follow-ups and consents are personal (and for regional contracts health) data.
The admin bypasses the sector wall, the CPR masking and the read audit, and the administrator role
sees no citizen-level data at all, so these records are reached only through the app's own pages and
API, which go through `psykiatrihus.scoping.Access` and `audit_log`.
"""
