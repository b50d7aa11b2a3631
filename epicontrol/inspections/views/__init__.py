"""Pages of the supervision module (thin: parse → selector/service → render)."""
