"""Pure domain logic and types. Nothing here does I/O or reads the clock."""
