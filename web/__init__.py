"""The web layer: one blueprint per area of the studio."""
