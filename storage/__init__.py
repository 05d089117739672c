"""What the hub remembers: storage ports (`storage.ports`) and their adapters (embedded SQLite, MongoDB)."""
