"""Writes of the supervision module, one module per entity (groups, templates, plans, records,
photos, findings, accountability). Every service is atomic, takes ``actor`` and is audited."""
