"""What glassnet writes to disk, and reads back without trusting it.

Model files (no pickle, a closed JSON schema, a checksum over everything that
changes predictions), checkpoints, the runs database (SQLite), atomic writes that
never replace what is not a regular file, and the version written into each.
"""
